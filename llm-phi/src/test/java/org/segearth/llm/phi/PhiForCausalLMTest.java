package org.segearth.llm.phi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.segearth.api.SegEarthException;
import org.segearth.llm.phi.internal.PhiKvCache;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.LanguageModelProvider;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.PhiConfig;

class PhiForCausalLMTest {

    private static PhiForCausalLM load(Checkpoint ckpt, Path dir) {
        return PhiForCausalLM.load(ckpt, PhiConfig.from(JsonConfig.read(dir.resolve("config.json"))));
    }

    private static NDArray ids(NDManager m, Random r, int n, int rows) {
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(rows);
        }
        return m.create(v).reshape(1, n);
    }

    private static float maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void readsTheClassicAndTheNewerConfigLayoutsAlike() {
        Path dir = Goldens.dir("phi");
        PhiConfig classic = PhiConfig.from(JsonConfig.read(dir.resolve("config.json")));
        PhiConfig newer = PhiConfig.from(JsonConfig.read(dir.resolve("config.saved_by_transformers.json")));
        assertEquals(classic, newer);
        assertEquals(8, classic.rotaryDim());
        assertEquals(20, classic.headDim());
    }

    @ParameterizedTest(name = "heads {0}/{1}, rotary {2}, layers {3}, rows {4}/{5}, lm_head bias {6}")
    @CsvSource({
        "4, 4, 0.5, 2, 48, 48, true",
        "8, 2, 0.5, 1, 40, 64, false",
        "2, 2, 1.0, 3, 30, 30, true",
        "4, 1, 0.25, 2, 50, 56, false"})
    void cacheStepsEqualFullRecomputationOnOtherShapes(int heads, int kvHeads, double rotary, int layers, int rows,
            int lmRows, boolean bias, @TempDir Path dir) throws Exception {
        TinyPhi tiny = new TinyPhi();
        tiny.heads = heads;
        tiny.kvHeads = kvHeads;
        tiny.partialRotary = rotary;
        tiny.layers = layers;
        tiny.embeddingRows = rows;
        tiny.vocab = lmRows;
        tiny.lmHeadRows = lmRows;
        tiny.lmHeadBias = bias;
        tiny.newLayout = heads == 8;
        tiny.write(dir, heads * 31L + layers);
        Random random = new Random(5);
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                PhiForCausalLM phi = load(ckpt, dir)) {
            ckpt.requireAllUsed("Phi");
            assertEquals(ckpt.keys(), new java.util.TreeSet<>(phi.parameters().keySet()));
            assertEquals(rows, phi.embeddingRows());
            assertEquals(lmRows, phi.vocabSize());
            NDArray all = ids(m, random, 12, rows);
            LanguageModelOutput full = phi.forward(phi.embed(all));
            try (PhiKvCache cache = phi.newCache(1, 1)) {
                LanguageModelOutput prefill = phi.forward(phi.embed(all.get(new NDIndex(":, :5"))), cache,
                        ForwardOptions.DEFAULT);
                assertTrue(maxDiff(prefill.logits(), full.logits().get(new NDIndex(":, :5"))) < 2e-5);
                for (int t = 5; t < 9; t++) {
                    LanguageModelOutput step = phi.forward(phi.embed(all.get(new NDIndex(":, {}:{}", t, t + 1))), cache,
                            ForwardOptions.DEFAULT);
                    assertTrue(maxDiff(step.logits(), full.logits().get(new NDIndex(":, {}:{}", t, t + 1))) < 2e-5,
                            "step " + t);
                }
                LanguageModelOutput chunk = phi.forward(phi.embed(all.get(new NDIndex(":, 9:"))), cache,
                        ForwardOptions.DEFAULT.withAttentions(AttentionCapture.all()));
                assertTrue(maxDiff(chunk.logits(), full.logits().get(new NDIndex(":, 9:"))) < 2e-5);
                assertArrayEquals(new long[] {1, heads, 3, 12}, chunk.attentions().get(0).getShape().getShape());
                assertEquals(12, cache.length());
                assertTrue(cache.reallocations() <= 4, "grew " + cache.reallocations() + " times");
            }
        }
    }

    @Test
    void capturesAChosenSliceOfTheAttention() {
        Path dir = Goldens.dir("phi");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                PhiForCausalLM phi = load(ckpt, dir)) {
            NDArray embeds = phi.embed(ids(m, new Random(1), 10, phi.embeddingRows()));
            LanguageModelOutput full = phi.forward(embeds, null, ForwardOptions.DEFAULT.withAttentions(AttentionCapture.all()));
            LanguageModelOutput none = phi.forward(embeds);
            assertTrue(none.attentions().isEmpty());
            int[] rows = {7, 9};
            int[] columns = AttentionCapture.range(2, 6);
            LanguageModelOutput slice = phi.forward(embeds, null,
                    ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.NONE).withAttentions(AttentionCapture.slice(rows, columns)));
            assertEquals(null, slice.logits());
            assertEquals(3, slice.attentions().size());
            for (int l = 0; l < 3; l++) {
                NDArray expected = full.attentions().get(l).get(new NDIndex(":, :, 7:10:2, 2:6"));
                assertArrayEquals(new long[] {1, 4, 2, 4}, slice.attentions().get(l).getShape().getShape());
                assertEquals(0f, maxDiff(slice.attentions().get(l), expected), 0f);
            }
            LanguageModelOutput last = phi.forward(embeds, null, ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST));
            assertEquals(0f, maxDiff(last.logits(), full.logits().get(new NDIndex(":, -1:, :"))), 1e-6f);
        }
    }

    @Test
    void unmergedAndMergedAdaptersAgreeAndNewAdaptersStartAsTheBase(@TempDir Path dir) throws Exception {
        Path golden = Goldens.dir("phi");
        Random random = new Random(9);
        LoraConfig config = new LoraConfig(2, 8, 0, java.util.List.of("k_proj", "dense", "fc2"), false, false);
        try (NDManager m = Engines.newManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (int i = 0; i < 3; i++) {
                for (String[] module : new String[][] {{"self_attn.k_proj", "80", "80"}, {"self_attn.dense", "80", "80"},
                    {"mlp.fc2", "80", "160"}}) {
                    String key = "base_model.model.model.layers." + i + "." + module[0];
                    int out = Integer.parseInt(module[1]);
                    int in = Integer.parseInt(module[2]);
                    tensors.put(key + ".lora_A.weight", TinyPhi.rand(m, random, 0.1, 2, in));
                    tensors.put(key + ".lora_B.weight", TinyPhi.rand(m, random, 0.1, out, 2));
                }
            }
            SafetensorsWriter.write(dir.resolve("adapter_model.safetensors"), tensors, Map.of());
            NDArray ids = ids(m, random, 9, 640);
            NDArray base;
            NDArray unmerged;
            try (Checkpoint ckpt = Checkpoint.open(golden, m); PhiForCausalLM phi = load(ckpt, golden)) {
                base = phi.forward(phi.embed(ids)).logits();
                phi.createAdapter(LoraConfig.segEarthDefault(), 3);
                Map<String, NDArray> created = phi.adapterTensors();
                assertEquals(12, created.size());
                NDArray a = created.get("base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight");
                assertArrayEquals(new long[] {4, 80}, a.getShape().getShape());
                assertTrue(a.abs().max().getFloat() <= 1 / Math.sqrt(80));
                assertEquals(0f, created.get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight").abs().sum().getFloat());
                assertEquals(0f, maxDiff(phi.forward(phi.embed(ids)).logits(), base), 0f);
                try (PhiForCausalLM again = load(ckpt, golden)) {
                    again.createAdapter(LoraConfig.segEarthDefault(), 3);
                    assertEquals(0f, maxDiff(again.adapterTensors().get(
                            "base_model.model.model.layers.1.self_attn.v_proj.lora_A.weight"), a), 0f);
                }
            }
            try (Checkpoint ckpt = Checkpoint.open(golden, m); PhiForCausalLM phi = load(ckpt, golden);
                    Checkpoint adapter = Checkpoint.open(dir, m)) {
                phi.applyAdapter(config, adapter, false);
                unmerged = phi.forward(phi.embed(ids)).logits();
                assertTrue(maxDiff(unmerged, base) > 1e-2, "the adapter changes the output");
                LoraConfig dropping = new LoraConfig(2, 8, 0.5, config.targetModules(), false, false);
                try (PhiForCausalLM other = load(ckpt, golden)) {
                    other.applyAdapter(dropping, adapter, false);
                    assertEquals(0f, maxDiff(other.forward(other.embed(ids)).logits(), unmerged), 1e-6f);
                    other.setTraining(true);
                    assertTrue(maxDiff(other.forward(other.embed(ids)).logits(), unmerged) > 1e-3, "dropout in training");
                    other.setTraining(false);
                    assertEquals(0f, maxDiff(other.forward(other.embed(ids)).logits(), unmerged), 1e-6f);
                }
                phi.mergeAdapter();
                assertTrue(phi.adapterTensors().isEmpty());
                assertTrue(maxDiff(phi.forward(phi.embed(ids)).logits(), unmerged) < 1e-4);
            }
            try (Checkpoint ckpt = Checkpoint.open(golden, m); PhiForCausalLM phi = load(ckpt, golden);
                    Checkpoint adapter = Checkpoint.open(dir, m)) {
                phi.applyAdapter(config, adapter, true);
                assertTrue(maxDiff(phi.forward(phi.embed(ids)).logits(), unmerged) < 1e-4);
            }
        }
    }

    @Test
    void keepsMemoryFlatPerGeneratedTokenAfterALongPrompt() {
        Path dir = Goldens.dir("phi");
        int prompt = 800;
        int steps = 24;
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                PhiForCausalLM phi = load(ckpt, dir); PhiKvCache cache = phi.newCache(1, prompt + steps)) {
            NDArray embeds = phi.embed(ids(m, new Random(2), prompt, phi.embeddingRows()));
            ForwardOptions last = ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST);
            long next;
            try (NDManager step = m.newSubManager()) {
                LanguageModelOutput out = phi.forward(embeds, cache, last);
                out.logits().attach(step);
                out.lastHiddenState().attach(step);
                next = out.logits().argMax().getLong();
            }
            int arrays = -1;
            for (int i = 0; i < steps; i++) {
                try (NDManager step = m.newSubManager()) {
                    NDArray input = phi.embed(step.create(new long[] {next}).reshape(1, 1));
                    LanguageModelOutput out = phi.forward(input, cache, last);
                    out.logits().attach(step);
                    out.lastHiddenState().attach(step);
                    next = out.logits().argMax().getLong();
                }
                int now = m.getManagedArrays().size();
                if (i > 0) {
                    assertEquals(arrays, now, "arrays held after step " + i);
                }
                arrays = now;
            }
            assertEquals(0, cache.reallocations());
            assertEquals(prompt + steps, cache.capacity());
            assertEquals(prompt + steps, cache.length());
        }
    }

    @Test
    void refusesPlaceholderIdsAndIsFoundAsProviderPhi() {
        Path dir = Goldens.dir("phi");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                PhiForCausalLM phi = load(ckpt, dir)) {
            SegEarthException e = assertThrows(SegEarthException.class,
                    () -> phi.embed(m.create(new long[] {3, -200}).reshape(1, 2)));
            assertTrue(e.getMessage().contains("-200"), e.getMessage());
        }
        boolean found = false;
        for (LanguageModelProvider p : ServiceLoader.load(LanguageModelProvider.class)) {
            found |= p.name().equals("phi") && p instanceof PhiLanguageModelProvider;
        }
        assertTrue(found);
        assertTrue(Files.exists(dir.resolve("adapter/adapter_config.json")));
    }
}
