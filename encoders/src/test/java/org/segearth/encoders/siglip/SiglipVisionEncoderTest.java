package org.segearth.encoders.siglip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.encoders.siglip.internal.MiphaProjector;
import org.segearth.encoders.siglip.internal.SiglipCheckpointLayout;
import org.segearth.encoders.siglip.internal.SiglipVisionTransformer;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.image.SiglipPreprocessor;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.registry.ProviderRegistry;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.VisionEncoderProvider;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.SiglipVisionConfig;

class SiglipVisionEncoderTest {

    private static final double TOL = 1e-4;

    @TempDir
    Path tmp;

    private static float maxAbsDiff(NDArray a, NDArray b) {
        assertEquals(b.getShape(), a.getShape());
        return a.sub(b).abs().max().getFloat();
    }

    private static VisionEncoder create(String provider, Path dir, Checkpoint ckpt, Map<String, String> options) {
        VisionEncoderProvider p = new ProviderRegistry().find(VisionEncoderProvider.class, provider);
        return p.create(Goldens.context(dir, ckpt, options));
    }

    @Test
    void miphaCheckpointGivesTheGoldenImageFeaturesAndEmbeds() {
        Path golden = Goldens.dir("segearth_r2_tiny");
        Path mllm = golden.resolve("mllm");
        try (NDManager m = Engines.newManager();
                Checkpoint io = Checkpoint.open(golden.resolve("io.safetensors"), m);
                Checkpoint ckpt = Checkpoint.open(mllm, m)) {
            NDArray pixels = io.get("siglip_pixel_values");
            // preprocessing of the image gives the golden pixel values
            NDArray hwc = io.get("image_rgb_hwc");
            float[] v = hwc.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            byte[] rgb = new byte[v.length];
            for (int i = 0; i < v.length; i++) {
                rgb[i] = (byte) Math.round(v[i]);
            }
            RgbImage image = RgbImage.of((int) hwc.getShape().get(1), (int) hwc.getShape().get(0), rgb);
            NDArray preprocessed = SiglipPreprocessor.preprocess(image, 56).toNDArray(m);
            assertTrue(maxAbsDiff(preprocessed, pixels) < 1e-5);

            try (VisionEncoder enc = create("siglip", mllm, ckpt, Map.of())) {
                assertEquals(56, enc.imageSize());
                assertEquals(16, enc.numTokens());
                NDArray embeds = enc.encode(pixels);
                assertArrayEquals(new long[] {1, 16, 80}, embeds.getShape().getShape());
                float d = maxAbsDiff(embeds, io.get("image_embeds"));
                assertTrue(d < TOL, "image_embeds max abs diff " + d);
                NDArray features = ((org.segearth.encoders.siglip.internal.ProjectedVisionEncoder) enc).features(pixels);
                float f = maxAbsDiff(features, io.get("image_features"));
                assertTrue(f < TOL, "image_features max abs diff " + f);
            }
        }
    }

    @Test
    void projectorEqualsPlainNDArrayFormula() {
        Path mllm = Goldens.dir("segearth_r2_tiny").resolve("mllm");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(mllm, m)) {
            NDArray x = m.randomNormal(new Shape(2, 5, 48));
            MiphaProjector projector = new MiphaProjector(SiglipCheckpointLayout.projector(ckpt).orElseThrow(),
                    "mlp2x_gelu", 48, 80);
            NDArray w0 = ckpt.get("model.mm_projector.0.weight");
            NDArray b0 = ckpt.get("model.mm_projector.0.bias");
            NDArray w2 = ckpt.get("model.mm_projector.2.weight");
            NDArray b2 = ckpt.get("model.mm_projector.2.bias");
            NDArray h = x.matMul(w0.transpose()).add(b0);
            NDArray g = h.mul(0.5).mul(h.div(Math.sqrt(2)).erf().add(1));
            NDArray expected = g.matMul(w2.transpose()).add(b2);
            assertTrue(maxAbsDiff(projector.forward(x), expected) < 1e-5);

            // the linear variant is one Linear
            Map<String, NDArray> linear = new HashMap<>();
            linear.put("model.mm_projector.weight", w0);
            linear.put("model.mm_projector.bias", b0);
            Path file = tmp.resolve("linear.safetensors");
            SafetensorsWriter.write(file, linear, Map.of());
            try (Checkpoint lin = Checkpoint.open(file, m)) {
                MiphaProjector p = new MiphaProjector(SiglipCheckpointLayout.projector(lin).orElseThrow(), "linear", 48, 80);
                assertTrue(maxAbsDiff(p.forward(x), x.matMul(w0.transpose()).add(b0)) < 1e-5);
            }
            assertThrows(SegEarthException.class, () -> new MiphaProjector(ckpt.prefix("model.mm_projector"), "mlp3x_gelu", 48, 80));
        }
    }

    @Test
    void acceptsKeysWithVisionModelPrefix() {
        Path dir = Goldens.dir("siglip_vision");
        try (NDManager m = Engines.newManager();
                Checkpoint io = Checkpoint.open(dir.resolve("io.safetensors"), m);
                Checkpoint plain = Checkpoint.open(dir, m)) {
            Map<String, NDArray> renamed = new HashMap<>();
            for (String key : plain.keys()) {
                renamed.put("vision_model." + key, plain.get(key));
            }
            Path file = tmp.resolve("model.safetensors");
            SafetensorsWriter.write(file, renamed, Map.of());
            SiglipVisionConfig config = SiglipVisionConfig.from(JsonConfig.read(dir.resolve("config.json")));
            try (Checkpoint prefixed = Checkpoint.open(file, m)) {
                SiglipVisionTransformer t = new SiglipVisionTransformer(prefixed, config, -2, true);
                NDArray pixels = io.get("pixel_values");
                NDArray expected = io.get("hidden_states").get(config.numHiddenLayers() - 1);
                assertTrue(maxAbsDiff(t.features(pixels), expected) < TOL);
                assertTrue(maxAbsDiff(t.forward(pixels).lastHiddenState(), io.get("last_hidden_state")) < TOL);
                assertTrue(prefixed.unusedKeys().isEmpty(), prefixed.unusedKeys().toString());
            }
        }
    }

    @Test
    void onnxEngineEqualsJavaEngine() {
        Path dir = Goldens.dir("siglip_vision");
        try (NDManager m = Engines.newManager();
                Checkpoint io = Checkpoint.open(dir.resolve("io.safetensors"), m);
                Checkpoint ckpt = Checkpoint.open(dir, m)) {
            NDArray pixels = io.get("pixel_values");
            try (VisionEncoder java = create("siglip", dir, ckpt, Map.of());
                    VisionEncoder onnx = create("siglip", dir, ckpt, Map.of("engine", "onnx", "threads", "1"));
                    VisionEncoder onnx2 = create("siglip-onnx", dir, ckpt, Map.of())) {
                NDArray a = java.encode(pixels);
                assertArrayEquals(new long[] {2, 16, 48}, a.getShape().getShape());
                assertTrue(maxAbsDiff(onnx.encode(pixels), a) < TOL);
                assertTrue(maxAbsDiff(onnx2.encode(pixels), a) < TOL);
            }
            SegEarthException e = assertThrows(SegEarthException.class,
                    () -> create("siglip", dir, ckpt, Map.of("engine", "onnx", "onnx", "missing.onnx")));
            assertTrue(e.getMessage().contains("missing.onnx"), e.getMessage());
            assertThrows(SegEarthException.class, () -> create("siglip", dir, ckpt, Map.of("engine", "tensorrt")));
        }
    }

    @Test
    void wrongInputSizesAreRefused() {
        Path dir = Goldens.dir("siglip_vision");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(dir, m);
                VisionEncoder enc = create("siglip", dir, ckpt, Map.of())) {
            SegEarthException tooSmall = assertThrows(SegEarthException.class,
                    () -> enc.encode(m.zeros(new Shape(1, 3, 10, 56))));
            assertTrue(tooSmall.getMessage().contains("at least the patch size 14"), tooSmall.getMessage());
            // as the patch convolution does: 50 / 14 -> 3 rows of patches, the last 8 pixel rows unused
            SegEarthException floored = assertThrows(SegEarthException.class,
                    () -> enc.encode(m.zeros(new Shape(1, 3, 50, 56))));
            assertTrue(floored.getMessage().contains("makes 12 patches"), floored.getMessage());
            assertEquals(16, enc.encode(m.zeros(new Shape(1, 3, 62, 69))).getShape().get(1),
                    "62 x 69 pixels make 4 x 4 patches of 14");
            SegEarthException table = assertThrows(SegEarthException.class,
                    () -> enc.encode(m.zeros(new Shape(1, 3, 28, 28))));
            assertTrue(table.getMessage().contains("position table has 16 rows"), table.getMessage());
        }
    }

    @Test
    void missingTowerIsNamed() {
        Path mllm = Goldens.dir("segearth_r2_tiny").resolve("mllm");
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(mllm, m)) {
            SegEarthException e = assertThrows(SegEarthException.class,
                    () -> SiglipCheckpointLayout.tower(ckpt.prefix("model.layers")));
            assertTrue(e.getMessage().contains("no SigLIP vision tower"), e.getMessage());
        }
    }
}
