package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.checkpoint.SafetensorsFile;
import org.segearth.runtime.checkpoint.TensorInfo;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.text.TextTokenizer;
import org.segearth.spi.SegmentationHead;

/**
 * The initial demo package at the proposed sizes opens with the SDK's providers, every key is
 * read (only the parts SegEarth-R2 leaves unused are left), and one forward of each component
 * gives the expected shapes; the F16 packer halves it.
 */
class DemoModelFactoryTest {

    @TempDir
    static Path temp;

    static Path pkg;
    static DemoModelFactory.Summary summary;

    @BeforeAll
    static void make() {
        pkg = temp.resolve("demo-init");
        summary = DemoModelFactory.create(pkg, DemoConfig.proposed(), 42, true);
    }

    @Test
    void packageOpensWithTheDemoManifestAndTokenizer() {
        ModelPackage p = ModelPackage.open(pkg);
        assertEquals("SegEarth demo (Dubai)", p.manifest().name());
        assertTrue(p.manifest().description().contains("not SegEarth-R2"));
        assertEquals(224, p.manifest().maskImageSize());
        assertEquals(301, summary.vocabulary());
        assertEquals(DemoModelFactory.DESCRIPTION, p.manifest().description());
        try (TextTokenizer t = TextTokenizer.open(p.tokenizer().orElseThrow())) {
            assertEquals(summary.segTokenId(), t.segTokenId());
            assertEquals(summary.eosTokenId(), t.eosTokenId());
            assertTrue(t.size() <= summary.vocabulary());
        }
    }

    @Test
    void aBpePackageSaysThatItReadsAnyText() {
        DemoModelFactory.Vocabulary bpe = DemoModelFactory.Vocabulary.bpe();
        assertTrue(bpe.byteLevel());
        assertTrue(!DemoModelFactory.Vocabulary.demo().byteLevel());
        String description = DemoModelFactory.manifest(DemoConfig.proposed(), 42, bpe).description();
        assertEquals(DemoModelFactory.BPE_DESCRIPTION, description);
        assertTrue(description.contains("reads any text") && description.contains("not SegEarth-R2"), description);
    }

    @Test
    void everyComponentLoadsAndRuns() {
        try (DemoComponents c = DemoComponents.open(pkg);
                NDManager call = c.manager().newSubManager()) {
            // strict: mllm/ leaves only the vision tower's pooling head (SegEarth-R2 does not use it)
            assertTrue(c.unused().get("mllm").stream().allMatch(k -> k.startsWith(
                    "model.vision_tower.vision_model.head.")), c.unused().get("mllm").toString());
            assertEquals(Set.of(), c.unused().get("adapter"));
            assertEquals(Set.of(), c.unused().get("seg_projector"));
            Set<String> maskUnused = new TreeSet<>(c.unused().get("mask_head"));
            maskUnused.removeIf(k -> k.startsWith("class_predictor.") || k.startsWith("criterion.")
                    || k.startsWith("model.transformer_module.queries_")
                    || k.startsWith("model.pixel_level_module.encoder.swin.layernorm."));
            assertEquals(Set.of(), maskUnused);

            assertEquals(160, c.vision().imageSize());
            NDArray imageTokens = c.vision().encode(call.randomNormal(new Shape(1, 3, 160, 160)));
            assertEquals(new Shape(1, 100, 256), imageTokens.getShape());
            NDArray pixels = call.randomNormal(new Shape(1, 3, 224, 224));

            NDArray ids = call.create(new long[] {5, 6, 7, summary.segTokenId()}).reshape(1, 4);
            NDArray embeds = c.lm().embed(ids).concat(imageTokens, 1);
            NDArray logits = c.lm().forward(embeds).logits();
            assertEquals(new Shape(1, 104, 301), logits.getShape());

            List<NDArray> maps = c.maskEncoder().encode(pixels);
            assertEquals(new Shape(1, 32, 56, 56), maps.get(0).getShape());
            assertEquals(new Shape(1, 256, 7, 7), maps.get(3).getShape());
            NDArray queries = c.projectSeg(call.randomNormal(new Shape(2, 256)));
            SegmentationHead.HeadOutput out = c.head().predict(maps, queries);
            assertEquals(new Shape(2, 56, 56), out.maskLogits().getShape());
            assertEquals(3, out.auxMaskLogits().size());
            assertTrue(Float.isFinite(out.maskLogits().abs().sum().getFloat()));
        }
    }

    /** Random weights: the [SEG] state already differs a little with the class named (nothing collapsed it yet). */
    @Test
    void querySpreadMeasuresEveryPairOfClasses() {
        QuerySpread.Result r = QuerySpread.measure(pkg, org.segearth.runtime.image.ImageDecoder.defaults().read(
                org.segearth.runtime.parity.Goldens.testdata().resolve("dubai/images/Tile1_image_part_002.jpg")));
        assertEquals(5, r.classes().size());
        for (int i = 0; i < 5; i++) {
            assertEquals(0.0, r.hiddenDistance()[i][i]);
            assertEquals(0.0, r.maskDifference()[i][i]);
            for (int j = 0; j < 5; j++) {
                assertEquals(r.hiddenDistance()[i][j], r.hiddenDistance()[j][i], 1e-9);
                assertEquals(r.maskDifference()[i][j], r.maskDifference()[j][i], 1e-6);
                assertTrue(Double.isFinite(r.hiddenDistance()[i][j]) && Double.isFinite(r.maskDifference()[i][j]));
            }
        }
        assertTrue(QuerySpread.Result.max(r.hiddenDistance()) > 1e-6, r.toMarkdown());
        assertTrue(r.toMarkdown().contains("| unpaved land |"), r.toMarkdown());
    }

    @Test
    void sameSeedSameBytes() throws Exception {
        Path again = temp.resolve("again");
        DemoModelFactory.create(again, DemoConfig.proposed(), 42, false);
        for (String f : List.of("mllm/model.safetensors", "mask_head/model.safetensors", "seg_projector.safetensors")) {
            assertArrayEquals(Files.readAllBytes(pkg.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
        }
    }

    @Test
    void f16PackerHalvesTheWeightsAndChecksTheSize() throws Exception {
        Path packed = temp.resolve("packed");
        long bytes = F16Packer.pack(pkg, packed, F16Packer.DEFAULT_LIMIT);
        assertEquals(summary.total(), (long) Math.round(weightBytes(packed) / 2.0), "every parameter stored once as F16");
        assertTrue(bytes < F16Packer.DEFAULT_LIMIT);
        try (SafetensorsFile f = SafetensorsFile.open(packed.resolve("mllm/model.safetensors"))) {
            for (TensorInfo t : f.tensors().values()) {
                assertEquals("F16", t.dtype().name(), t.name());
            }
            assertEquals("pt", f.metadata().get("format"));
        }
        ModelPackage.open(packed);
        assertThrows(SegEarthException.class, () -> F16Packer.pack(pkg, temp.resolve("small"), 1_000_000));
        Path big = temp.resolve("big.safetensors");
        try (NDManager m = org.segearth.runtime.Engines.newManager()) {
            NDArray a = m.create(new float[] {1e5f});
            assertEquals(DataType.FLOAT32, a.getDataType());
            org.segearth.runtime.checkpoint.SafetensorsWriter.write(big, java.util.Map.of("x", a), java.util.Map.of());
        }
        assertThrows(SegEarthException.class, () -> F16Packer.toF16(big, temp.resolve("big16.safetensors")));
    }

    /**
     * A training output (base parts linked, {@code trained.safetensors} overrides by {@code part.key},
     * optimizer state) packs into one self-contained package carrying the trained values.
     */
    @Test
    void f16PackerMergesTrainedWeights() throws Exception {
        Path out = temp.resolve("train-out");
        Files.createDirectories(out);
        for (String part : List.of("mllm", "mask_head", "seg_projector.safetensors", "adapter")) {
            Files.createSymbolicLink(out.resolve(part), pkg.resolve(part).toAbsolutePath());
        }
        Files.copy(pkg.resolve("segearth.json"), out.resolve("segearth.json"));
        try (NDManager m = org.segearth.runtime.Engines.newManager()) {
            org.segearth.runtime.checkpoint.SafetensorsWriter.write(out.resolve("trained.safetensors"), java.util.Map.of(
                    "seg_projector.bias", m.full(new Shape(64), 0.5f),
                    "mask_head.model.pixel_level_module.decoder.level_embed", m.full(new Shape(3, 64), 0.25f)),
                    java.util.Map.of());
            org.segearth.runtime.checkpoint.SafetensorsWriter.write(out.resolve("training_state.safetensors"),
                    java.util.Map.of("exp_avg.x", m.zeros(new Shape(2))), java.util.Map.of());
        }
        Path packed = temp.resolve("merged");
        F16Packer.pack(out, packed, F16Packer.DEFAULT_LIMIT);
        assertTrue(Files.notExists(packed.resolve("trained.safetensors")));
        assertTrue(Files.notExists(packed.resolve("training_state.safetensors")));
        assertTrue(Files.isRegularFile(packed.resolve("mllm/model.safetensors")), "linked parts are copied");
        assertEquals(summary.total(), (long) Math.round(weightBytes(packed) / 2.0));
        try (NDManager m = org.segearth.runtime.Engines.newManager();
                var seg = org.segearth.runtime.checkpoint.Checkpoint.open(packed.resolve("seg_projector.safetensors"), m);
                var head = org.segearth.runtime.checkpoint.Checkpoint.open(packed.resolve("mask_head/model.safetensors"), m)) {
            assertEquals(0.5f, seg.get("bias").toType(DataType.FLOAT32, false).getFloat(7));
            assertEquals(0.25f, head.get("model.pixel_level_module.decoder.level_embed").toType(DataType.FLOAT32, false)
                    .getFloat(2, 5));
        }
        Files.delete(out.resolve("trained.safetensors"));
        try (NDManager m = org.segearth.runtime.Engines.newManager()) {
            org.segearth.runtime.checkpoint.SafetensorsWriter.write(out.resolve("trained.safetensors"),
                    java.util.Map.of("mllm.no.such.key", m.zeros(new Shape(2))), java.util.Map.of());
        }
        assertThrows(SegEarthException.class, () -> F16Packer.pack(out, temp.resolve("mismatch"), F16Packer.DEFAULT_LIMIT));
    }

    private static long weightBytes(Path dir) throws Exception {
        long total = 0;
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".safetensors")).toList()) {
                try (SafetensorsFile f = SafetensorsFile.open(p)) {
                    total += f.tensors().values().stream().mapToLong(TensorInfo::byteLength).sum();
                }
            }
        }
        return total;
    }
}
