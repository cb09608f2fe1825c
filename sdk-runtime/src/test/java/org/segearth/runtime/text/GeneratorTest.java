package org.segearth.runtime.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.KvCache;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;

class GeneratorTest {

    /**
     * A language model over 6 embedding rows with an lm_head 8 wide: embeddings are one-hot, the
     * hidden state is the input times 10 plus the position, and the logits favour id 7 (no
     * embedding row) most, then {@code (last id + 1) % 6}.
     */
    static final class CountingModel implements LanguageModel {
        final NDManager manager = Engines.newManager();
        int forwards;

        @Override
        public int hiddenSize() {
            return 6;
        }

        @Override
        public int embeddingRows() {
            return 6;
        }

        @Override
        public int vocabSize() {
            return 8;
        }

        @Override
        public NDArray embed(NDArray ids) {
            long[] values = ids.toLongArray();
            float[] out = new float[values.length * 6];
            for (int i = 0; i < values.length; i++) {
                out[i * 6 + (int) values[i]] = 1;
            }
            return ids.getManager().create(out, new Shape(1, values.length, 6));
        }

        @Override
        public KvCache newCache(int batch, int capacity) {
            return new KvCache() {
                int length;

                @Override
                public int length() {
                    return length;
                }

                @Override
                public int capacity() {
                    return capacity;
                }

                @Override
                public int batchSize() {
                    return batch;
                }

                @Override
                public void truncate(int tokens) {
                    length = tokens;
                }

                @Override
                public void close() {}

                @Override
                public String toString() {
                    return "cache";
                }

                void advance(int n) {
                    length += n;
                }

                {
                    caches.add(this);
                }
            };
        }

        final List<KvCache> caches = new java.util.ArrayList<>();

        @Override
        public LanguageModelOutput forward(NDArray embeds, KvCache cache, ForwardOptions options) {
            forwards++;
            int tokens = (int) embeds.getShape().get(1);
            int past = cache.length();
            NDArray hidden = embeds.mul(10).add(embeds.getManager().arange(past, past + tokens).toType(
                    ai.djl.ndarray.types.DataType.FLOAT32, false).reshape(1, tokens, 1));
            try {
                cache.getClass().getDeclaredMethod("advance", int.class).invoke(cache, tokens);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            NDArray logits = null;
            if (options.logits() != ForwardOptions.Logits.NONE) {
                float[] last = embeds.get(new NDIndex("0, -1, :")).toFloatArray();
                int id = 0;
                for (int i = 0; i < last.length; i++) {
                    if (last[i] > 0.5f) {
                        id = i;
                    }
                }
                float[] l = new float[8];
                l[(id + 1) % 6] = 5;
                l[(id + 2) % 6] = 4;
                l[7] = 9;
                logits = embeds.getManager().create(l, new Shape(1, 1, 8));
            }
            return new LanguageModelOutput(logits, hidden, List.of(), List.of());
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    @Test
    void greedyNeverEmitsIdsWithoutAnEmbeddingRowAndStopsAtEos() {
        try (CountingModel model = new CountingModel(); NDManager m = model.manager.newSubManager()) {
            NDArray prompt = model.embed(m.create(new long[] {1, 2}).reshape(1, 2));
            Generation g = new Generator().generate(model, prompt, GenerationConfig.greedy(10).withStop(5));
            assertArrayEquals(new long[] {3, 4}, g.ids());
            assertTrue(g.stoppedAtEos());
            Generation unlimited = new Generator().generate(model, prompt, GenerationConfig.greedy(4));
            assertArrayEquals(new long[] {3, 4, 5, 0}, unlimited.ids());
            assertFalse(unlimited.stoppedAtEos());
        }
    }

    @Test
    void keepsTheHiddenStatesOfChosenTokensIncludingTheLastOne() {
        try (CountingModel model = new CountingModel(); NDManager m = model.manager.newSubManager()) {
            NDArray prompt = model.embed(m.create(new long[] {0}).reshape(1, 1));
            // generates 1, 2, 3, 4; keep 2 (fed at position 2) and 4 (the last token, fed by an extra forward)
            Generation g = new Generator().generate(model, prompt, GenerationConfig.greedy(4).withHiddenStatesOf(2L, 4L));
            assertArrayEquals(new long[] {1, 2, 3, 4}, g.ids());
            assertArrayEquals(new int[] {1, 3}, g.hiddenStateIndices());
            assertEquals(2, g.hiddenStates().size());
            float[] two = g.hiddenStates().get(0).toFloatArray();
            assertEquals(10 + 2, two[2], 1e-6);   // one-hot of id 2 at position 2
            float[] four = g.hiddenStates().get(1).toFloatArray();
            assertEquals(10 + 4, four[4], 1e-6);  // one-hot of id 4 at position 4
            assertEquals(5, model.forwards);      // 4 steps + 1 for the last [SEG]-like token
        }
    }

    @Test
    void samplingIsReproducibleWithASeedAndStaysInTheVocabulary() {
        try (CountingModel model = new CountingModel(); NDManager m = model.manager.newSubManager()) {
            NDArray prompt = model.embed(m.create(new long[] {0}).reshape(1, 1));
            GenerationConfig hot = GenerationConfig.sampling(30, 5.0, 1.0, 7);
            long[] a = new Generator().generate(model, prompt, hot).ids();
            long[] b = new Generator().generate(model, prompt, hot).ids();
            assertArrayEquals(a, b);
            long[] c = new Generator().generate(model, prompt, GenerationConfig.sampling(30, 5.0, 1.0, 8)).ids();
            assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
            Set<Long> seen = new HashSet<>();
            for (long id : a) {
                assertTrue(id >= 0 && id < 6, "id " + id);
                seen.add(id);
            }
            assertTrue(seen.size() > 2, "a hot temperature explores: " + seen);
        }
    }

    @Test
    void topPKeepsOnlyTheNucleus() {
        float[] logits = {0, 0, 3, 0, 2.5f, 0};
        GenerationConfig config = GenerationConfig.sampling(1, 1.0, 0.5, 0);
        Random random = new Random(3);
        for (int i = 0; i < 200; i++) {
            assertEquals(2, Generator.sample(logits, config, random));
        }
        GenerationConfig wider = GenerationConfig.sampling(1, 1.0, 0.85, 0); // drops the four small ones (0.11 of the mass)
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            seen.add(Generator.sample(logits, wider, random));
        }
        assertEquals(Set.of(2L, 4L), seen);
        assertEquals(2, Generator.argMax(logits));
    }

    @Test
    void topKDrawsOnlyAmongTheKMostLikelyTiesIncluded() {
        float[] logits = {1, 0, 3, 2, 2, -1};
        GenerationConfig hot = GenerationConfig.sampling(1, 100.0, 1.0, 0); // nearly uniform
        Random random = new Random(5);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            seen.add(Generator.sample(logits, hot.withTopK(2), random));
        }
        // the 2nd largest logit (2) is shared by ids 3 and 4: both stay, as with TopKLogitsWarper
        assertEquals(Set.of(2L, 3L, 4L), seen);
        Set<Long> all = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            all.add(Generator.sample(logits, hot, random));
        }
        assertEquals(6, all.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(2, Generator.sample(logits, hot.withTopK(1), random));
        }
    }

    @Test
    void topPActsOnWhatTopKLeft() {
        // top-k 2 leaves ids 2 (e^3) and 4 (e^2.5): 0.62 and 0.38 of the renormalised mass, so top-p
        // 0.6 drops id 4 (0.38 <= 1 - 0.6); over all six tokens (id 4: 0.34 after 0.11 of small ones) it keeps it
        float[] logits = {0, 0, 3, 0, 2.5f, 0};
        GenerationConfig config = GenerationConfig.sampling(1, 1.0, 0.6, 0).withTopK(2);
        Random random = new Random(11);
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            seen.add(Generator.sample(logits, config, random));
        }
        assertEquals(Set.of(2L), seen);
        GenerationConfig untouched = GenerationConfig.sampling(1, 1.0, 0.6, 0);
        for (int i = 0; i < 300; i++) {
            seen.add(Generator.sample(logits, untouched, random));
        }
        assertEquals(Set.of(2L, 4L), seen);
    }
}
