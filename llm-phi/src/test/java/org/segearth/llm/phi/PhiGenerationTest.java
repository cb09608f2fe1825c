package org.segearth.llm.phi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.text.Generation;
import org.segearth.runtime.text.GenerationConfig;
import org.segearth.runtime.text.Generator;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.PhiConfig;

/** The runtime's generator on the real Phi implementation. */
class PhiGenerationTest {

    @Test
    void greedyGenerationReproducesTheGoldenIds() {
        Path dir = Goldens.dir("phi");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                Checkpoint io = Checkpoint.open(dir.resolve("io.safetensors"), m);
                PhiForCausalLM phi = PhiForCausalLM.load(ckpt, PhiConfig.from(JsonConfig.read(dir.resolve("config.json"))))) {
            long[] expected = io.get("greedy_ids").toLongArray();
            Generation g = new Generator().generate(phi, io.get("prompt_embeds"), GenerationConfig.greedy(expected.length)
                    .withHiddenStatesOf(expected[3]));
            assertArrayEquals(expected, g.ids());
            assertTrue(g.hiddenStates().size() >= 1);
            assertEquals(80, g.hiddenStates().get(0).getShape().get(0));
            Generation sampled = new Generator().generate(phi, io.get("prompt_embeds"),
                    GenerationConfig.sampling(12, 0.7, 0.9, 11).withStop(phi.eosTokenId()));
            Generation again = new Generator().generate(phi, io.get("prompt_embeds"),
                    GenerationConfig.sampling(12, 0.7, 0.9, 11).withStop(phi.eosTokenId()));
            assertArrayEquals(sampled.ids(), again.ids());
        }
    }

    @Test
    void reusesACachedPrefixForSeveralContinuations() {
        Path dir = Goldens.dir("phi");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                Checkpoint io = Checkpoint.open(dir.resolve("io.safetensors"), m);
                PhiForCausalLM phi = PhiForCausalLM.load(ckpt, PhiConfig.from(JsonConfig.read(dir.resolve("config.json"))));
                org.segearth.spi.KvCache cache = phi.newCache(1, 8)) {
            long[] expected = io.get("greedy_ids").toLongArray();
            var prompt = io.get("prompt_embeds");
            phi.forward(prompt.get(new ai.djl.ndarray.index.NDIndex(":, :9")), cache,
                    org.segearth.spi.ForwardOptions.DEFAULT.withLogits(org.segearth.spi.ForwardOptions.Logits.NONE));
            var rest = prompt.get(new ai.djl.ndarray.index.NDIndex(":, 9:"));
            for (int round = 0; round < 2; round++) {
                Generation g = new Generator().generate(phi, cache, rest, GenerationConfig.greedy(expected.length));
                assertArrayEquals(expected, g.ids(), "round " + round);
                cache.truncate(9);
            }
        }
    }

    @Test
    void neverProducesIdsBeyondTheEmbeddingTable(@TempDir Path dir) throws Exception {
        TinyPhi tiny = new TinyPhi();
        tiny.embeddingRows = 40;
        tiny.lmHeadRows = 64;
        tiny.vocab = 64;
        tiny.write(dir, 4);
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m)) {
            // make the rows without an embedding the most likely ones by far
            float[] bias = new float[64];
            for (int i = 40; i < 64; i++) {
                bias[i] = 100;
            }
            org.segearth.runtime.checkpoint.SafetensorsWriter.write(dir.resolve("bias.safetensors"),
                    Map.of("lm_head.bias", m.create(bias)), Map.of());
        }
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir.resolve("model.safetensors"), m);
                PhiForCausalLM phi = PhiForCausalLM.load(ckpt, PhiConfig.from(JsonConfig.read(dir.resolve("config.json"))))) {
            long[] prompt = {1, 5, 7};
            var embeds = phi.embed(m.create(prompt).reshape(1, 3));
            for (GenerationConfig c : new GenerationConfig[] {GenerationConfig.greedy(20),
                GenerationConfig.sampling(20, 3.0, 1.0, 5)}) {
                for (long id : new Generator().generate(phi, embeds, c).ids()) {
                    assertTrue(id >= 0 && id < 40, "id " + id);
                }
            }
        }
    }
}
