package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.pipeline.ModelPackage;

/** {@code segearth import --official} on the official_r2_tiny dump, then {@code segearth parity}. */
class ImportCommandTest {

    @TempDir
    Path dir;

    @Test
    void importsTheOfficialFolderByKeyMapAndReproducesItsOutputs() throws IOException {
        Path golden = Goldens.dir("official_r2_tiny");
        Path out = dir.resolve("pkg");
        CliRun run = CliRun.of("import", "--official", golden.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("333 official tensors: F32 214, F16 114, I64 5; 11 not used at inference"), run.out());
        ModelPackage.open(out);
        // nothing copied: the package holds key maps, configs and a link, a few tens of KB
        assertTrue(Files.isSymbolicLink(out.resolve("official")));
        assertTrue(size(out) < 100_000, "package holds " + size(out) + " bytes of its own");
        JsonObject head = JsonParser.parseString(Files.readString(out.resolve("mask_head/config.json"))).getAsJsonObject();
        assertTrue(head.get("segearth_lateral_conv_relu").getAsBoolean(), "the official lateral ReLU is recorded");
        assertEquals(4, head.get("decoder_layers").getAsInt(), "3 decoder layers + the initial prediction");
        assertEquals(64, head.get("encoder_feedforward_dim").getAsInt(), "from the shapes, not the official 1024");
        // the split views are the fused tensor's rows
        try (NDManager m = Engines.newManager();
                Checkpoint official = Checkpoint.open(golden, m);
                Checkpoint mapped = Checkpoint.open(out.resolve("mask_head"), m)) {
            NDArray qkv = official.get("model.vision_tower_mask.layers.2.blocks.1.attn.qkv.weight");
            String hf = "model.pixel_level_module.encoder.encoder.layers.2.blocks.1.attention.self.";
            assertEquals(qkv.get("64:128"), mapped.get(hf + "key.weight"));
            assertEquals(qkv.get("128:"), mapped.get(hf + "value.weight"));
            NDArray inProj = official.get("predictor.transformer_self_attention_layers.2.self_attn.in_proj_bias");
            assertEquals(inProj.get(":32"), mapped.get("model.transformer_module.decoder.layers.2.self_attn.q_proj.bias"));
        }
        CliRun parity = CliRun.of("parity", golden.toString());
        assertEquals(0, parity.exitCode(), parity.out() + parity.err());
        assertTrue(parity.out().contains("ok   hf_semantics_mask_logits"), parity.out());
        assertTrue(parity.out().contains("PARITY official_r2_tiny OK max_abs_diff="), parity.out());
        // a second import into the same folder is refused
        CliRun again = CliRun.of("import", "--official", golden.toString(), "--out", out.toString());
        assertEquals(4, again.exitCode(), again.out() + again.err());
        assertTrue(again.err().contains("is not empty"), again.err());
    }

    @Test
    void readsShardsThroughTheirIndex() throws IOException {
        Path golden = Goldens.dir("official_r2_tiny");
        Path sharded = Files.createDirectories(dir.resolve("official_r2_tiny"));
        for (String f : List.of("config.json", "generation_config.json", "io.json", "io.safetensors")) {
            Files.copy(golden.resolve(f), sharded.resolve(f));
        }
        JsonObject weightMap = new JsonObject();
        try (NDManager m = Engines.newManager();
                Checkpoint c = Checkpoint.open(golden.resolve("model.safetensors"), m, DataType.FLOAT32, DataType.FLOAT16)) {
            List<Map<String, NDArray>> shards = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
            List<String> keys = new ArrayList<>(c.keys());
            for (int i = 0; i < keys.size(); i++) {
                NDArray t = c.getMatrix(keys.get(i)); // F16 stays F16, I64 stays I64
                shards.get(i % 2).put(keys.get(i), t);
                weightMap.addProperty(keys.get(i), "model-0000" + (i % 2 + 1) + "-of-00002.safetensors");
            }
            for (int s = 0; s < 2; s++) {
                SafetensorsWriter.write(sharded.resolve("model-0000" + (s + 1) + "-of-00002.safetensors"), shards.get(s),
                        Map.of("format", "pt"));
            }
        }
        JsonObject index = new JsonObject();
        index.add("metadata", new JsonObject());
        index.add("weight_map", weightMap);
        Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
        Path out = dir.resolve("pkg");
        CliRun run = CliRun.of("import", "--official", sharded.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("F16 114"), run.out());
        CliRun parity = CliRun.of("parity", sharded.toString());
        assertEquals(0, parity.exitCode(), parity.out() + parity.err());
        assertTrue(parity.out().contains("PARITY official_r2_tiny OK"), parity.out());
    }

    @Test
    void importsAPytorchModelBin() throws IOException {
        Path golden = Goldens.dir("official_r2_tiny");
        Path bin = Files.createDirectories(dir.resolve("official_r2_tiny"));
        for (String f : List.of("config.json", "io.json", "io.safetensors")) {
            Files.copy(golden.resolve(f), bin.resolve(f));
        }
        Files.copy(golden.resolve("torch_save/pytorch_model.bin"), bin.resolve("pytorch_model.bin"));
        CliRun run = CliRun.of("import", "--official", bin.toString(), "--out", dir.resolve("pkg").toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("F32 214, F16 114, I64 5"), run.out());
        CliRun parity = CliRun.of("parity", bin.toString());
        assertEquals(0, parity.exitCode(), parity.out() + parity.err());
        assertTrue(parity.out().contains("PARITY official_r2_tiny OK"), parity.out());
    }

    @Test
    void linksTheTokenizerFilesTheOfficialFolderHolds() throws IOException {
        Path golden = Goldens.dir("official_r2_tiny");
        Path official = Files.createDirectories(dir.resolve("official"));
        for (String f : List.of("config.json", "model.safetensors")) {
            Files.createSymbolicLink(official.resolve(f), golden.resolve(f));
        }
        // a byte-level BPE vocabulary small enough for the tiny model's 601 rows, [SEG] among its added tokens
        Files.writeString(official.resolve("vocab.json"), "{\"a\": 0, \"b\": 1, \"ab\": 2, \"<|endoftext|>\": 3}");
        Files.writeString(official.resolve("merges.txt"), "#version: 0.2\na b\n");
        Files.writeString(official.resolve("added_tokens.json"), "{\"[SEG]\": 4}");
        Path out = dir.resolve("pkg");
        CliRun run = CliRun.of("import", "--official", official.toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("tokenizer linked"), run.out());
        for (String f : List.of("vocab.json", "merges.txt", "added_tokens.json")) {
            assertTrue(Files.isSymbolicLink(out.resolve("mllm").resolve(f)), f);
        }
        ModelPackage pkg = ModelPackage.open(out);
        assertTrue(pkg.tokenizer().isPresent());
        try (org.segearth.runtime.text.TextTokenizer t = org.segearth.runtime.text.TextTokenizer.openFolder(pkg.mllm())) {
            assertEquals(4, t.segTokenId());
        }
    }

    @Test
    void refusesFoldersThatAreNotOfficialCheckpointsAndLeavesNothingBehind() throws IOException {
        Path tiny = Goldens.dir("segearth_r2_tiny");
        Path out = dir.resolve("out");
        CliRun noConfig = CliRun.of("import", "--official", tiny.toString(), "--out", out.toString());
        assertEquals(5, noConfig.exitCode(), noConfig.out() + noConfig.err());
        assertTrue(noConfig.err().contains("is not an official SegEarth-R2 checkpoint folder: it has no config.json"),
                noConfig.err());
        CliRun hfHead = CliRun.of("import", "--official", tiny.resolve("mask_head").toString(), "--out", out.toString());
        assertEquals(5, hfHead.exitCode(), hfHead.out() + hfHead.err());
        assertTrue(hfHead.err().contains("its weights have no 'model.vision_tower_mask.patch_embed.proj.weight'"),
                hfHead.err());
        assertTrue(hfHead.err().lines().findFirst().orElse("").contains("use segearth init"), "one line: " + hfHead.err());
        CliRun missing = CliRun.of("import", "--official", dir.resolve("nowhere").toString(), "--out", out.toString());
        assertEquals(5, missing.exitCode(), missing.err());
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "a refused import writes nothing");
        }
        assertFalse(Files.exists(out));
    }

    private static long size(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sum();
        }
    }
}
