package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.ModelPackageException;
import org.segearth.api.ProviderNotFoundException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegEarthModel;

/** Each kind of bad input gets its own {@code SegEarthException} subtype and a message that names the problem. */
class BadInputTest {

    @TempDir
    static Path dir;

    static Path pkg;
    static Segmenter segmenter;
    static BufferedImage image;

    @BeforeAll
    static void build() {
        pkg = TinyModel.create(dir);
        image = TinyModel.image();
        segmenter = Segmenter.builder().model(pkg).maxNewTokens(2).build();
    }

    @AfterAll
    static void close() {
        segmenter.close();
    }

    @Test
    void nullEmptyOrBlankInstructions() {
        for (String bad : new String[] {null, "", "   \n\t"}) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> segmenter.segment(image, bad));
            assertTrue(e.getMessage().contains("instruction"), e.getMessage());
            assertThrows(InvalidInputException.class,
                    () -> segmenter.segmentWithAnswer(ImageSource.of(image), bad, "it [SEG]"));
        }
        assertThrows(InvalidInputException.class, () -> segmenter.segmentWithAnswer(ImageSource.of(image), "x", null));
        assertThrows(InvalidInputException.class, () -> Segmenter.builder().model(pkg).segment(image));
    }

    @Test
    void instructionLongerThanTheContext() {
        String longInstruction = "segment the ships ".repeat(100);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> segmenter.segment(image, longInstruction));
        assertTrue(e.getMessage().contains("context of 256"), e.getMessage());
        assertThrows(InvalidInputException.class,
                () -> segmenter.segmentWithAnswer(ImageSource.of(image), longInstruction, "ships [SEG]"));
    }

    @Test
    void answerThatOverflowsTheContext() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> segmenter.segmentWithAnswer(
                ImageSource.of(image), "segment the ships", "ships [SEG] ".repeat(200)));
        assertTrue(e.getMessage().contains("max_position_embeddings"), e.getMessage());
    }

    @Test
    void imagesTooSmallTooLargeOrCorrupt() throws IOException {
        InvalidInputException small = assertThrows(InvalidInputException.class,
                () -> segmenter.segment(new BufferedImage(1, 5, BufferedImage.TYPE_INT_RGB), "segment the ships"));
        assertTrue(small.getMessage().contains("too small"), small.getMessage());
        Path huge = dir.resolve("huge.png");
        Files.write(huge, pngHeader(30_000, 30_000));
        InvalidInputException large = assertThrows(InvalidInputException.class,
                () -> segmenter.segment(huge, "segment the ships"));
        assertTrue(large.getMessage().contains("limit"), large.getMessage());
        Path corrupt = dir.resolve("corrupt.png");
        Files.writeString(corrupt, "not an image", StandardCharsets.US_ASCII);
        assertThrows(InvalidInputException.class, () -> segmenter.segment(corrupt, "segment the ships"));
        assertThrows(InvalidInputException.class, () -> segmenter.segment(dir.resolve("missing.png"), "segment"));
    }

    @Test
    void unsupportedHeadName() {
        ProviderNotFoundException e = assertThrows(ProviderNotFoundException.class,
                () -> Segmenter.builder().model(pkg).head("unet").build());
        assertTrue(e.getMessage().contains("'unet'") && e.getMessage().contains("mask2former"), e.getMessage());
    }

    @Test
    void unknownEngineOrDevice() {
        assertThrows(InvalidInputException.class, () -> Segmenter.builder().model(pkg).engine("tensorflow").build());
        assertThrows(InvalidInputException.class, () -> Segmenter.builder().model(pkg).device("tpu").build());
    }

    @Test
    void missingPartsOfAPackage() throws IOException {
        Path noProjector = TinyModel.create(dir);
        Files.delete(noProjector.resolve("seg_projector.safetensors"));
        assertMessage(noProjector, "seg_projector.safetensors");
        Path noHead = TinyModel.create(dir);
        Files.delete(noHead.resolve("mask_head/model.safetensors"));
        assertMessage(noHead, "mask_head");
        Path noConfig = TinyModel.create(dir);
        Files.delete(noConfig.resolve("mllm/config.json"));
        assertMessage(noConfig, "mllm/config.json");
        Path noAdapterWeights = TinyModel.create(dir);
        Files.delete(noAdapterWeights.resolve("adapter/adapter_model.safetensors"));
        assertMessage(noAdapterWeights, "adapter_model.safetensors");
        assertMessage(dir.resolve("no-such-package"), "not a folder");
    }

    @Test
    void missingTokenizerIsReportedBeforeAnyWeightIsRead() throws IOException {
        Path noTokenizer = TinyModel.create(dir);
        Files.delete(noTokenizer.resolve("mllm/tokenizer.json"));
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> Segmenter.builder().model(noTokenizer).build());
        assertTrue(e.getMessage().contains("mllm/ holds neither tokenizer.json nor vocab.json + merges.txt"),
                e.getMessage());
    }

    @Test
    void checkpointKeysNobodyReadsAreReported() {
        Path extra = TinyModel.create(dir);
        TinyModel.addTensors(extra.resolve("mllm/model.safetensors"), Map.of("model.mystery.weight", new float[] {1}));
        assertMessage(extra, "model.mystery.weight");
    }

    @Test
    void projectorOfTheWrongShape() {
        Path wrong = TinyModel.create(dir);
        TinyModel.addTensors(wrong.resolve("seg_projector.safetensors"), Map.of("bias", new float[7]));
        assertMessage(wrong, "bias [7]");
    }

    @Test
    void trainedWeightsOverrideBaseOnesAndMustAllBeUsed() {
        Path trained = TinyModel.create(dir);
        TinyModel.addTensors(trained.resolve("trained.safetensors"), Map.of("seg_projector.bias", new float[32]));
        try (Segmenter s = Segmenter.builder().model(trained).build()) {
            SegmentationResult r = s.segmentWithAnswer(ImageSource.of(image), "segment it", "it [SEG]");
            assertEquals(1, r.targets().size());
        }
        try (SegEarthModel model = SegEarthModel.load(ModelPackage.open(trained), ModelOptions.defaults());
                SegEarthModel base = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults())) {
            assertEquals(0f, model.projector().bias().abs().sum().getFloat());
            assertTrue(base.projector().bias().abs().sum().getFloat() > 0);
        }
        Path unused = TinyModel.create(dir);
        TinyModel.addTensors(unused.resolve("trained.safetensors"), Map.of("mllm.model.mystery", new float[] {1}));
        assertMessage(unused, "trained.safetensors");
    }

    @Test
    void noModelAndNoDemoModelNamesTheArtifact() {
        ModelPackageException e = assertThrows(ModelPackageException.class, () -> Segmenter.builder().build());
        assertTrue(e.getMessage().contains("org.segearth:segearth-demo-model"), e.getMessage());
    }

    @Test
    void maskEncoderWhoseFeaturesDoNotFitTheHead() {
        Path mismatched = TinyModel.create(dir);
        Manifest d = Manifest.defaults();
        TinyModel.writeManifest(mismatched, new Manifest(d.format(), d.name(), d.description(), d.visionEncoder(),
                d.languageModel(), MismatchedMaskEncoderProvider.NAME, d.head(), d.segToken(), d.eosToken(),
                d.promptTemplate(), TinyModel.FRAME, Map.of()));
        assertMessage(mismatched, "'" + MismatchedMaskEncoderProvider.NAME + "' produces");
    }

    @Test
    void manifestOfAnotherFormat() {
        Path other = TinyModel.create(dir);
        TinyModel.write(other.resolve(Manifest.FILE), "{\"format\": \"segearth-model/9\"}");
        assertMessage(other, "segearth-model/9");
    }

    private static void assertMessage(Path model, String part) {
        ModelPackageException e = assertThrows(ModelPackageException.class,
                () -> Segmenter.builder().model(model).build().close());
        assertTrue(e.getMessage().contains(part), e.getMessage());
    }

    /** A PNG whose header says {@code width x height} (no pixel data follows). */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(out);
        data.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeBytes("IHDR");
        h.writeInt(width);
        h.writeInt(height);
        h.write(new byte[] {8, 2, 0, 0, 0});
        byte[] chunk = ihdr.toByteArray();
        data.writeInt(chunk.length - 4);
        data.write(chunk);
        CRC32 crc = new CRC32();
        crc.update(chunk);
        data.writeInt((int) crc.getValue());
        return out.toByteArray();
    }
}
