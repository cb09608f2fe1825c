package org.segearth.heads.sam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.registry.ProviderRegistry;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;

class SamProvidersTest {

    private static final Path DIR = Goldens.dir("sam");

    private static ComponentContext context(Checkpoint ckpt, Map<String, String> options) {
        return Goldens.context(DIR, ckpt, options);
    }

    private static <T extends org.segearth.spi.Provider> T provider(Class<T> type, String name) {
        return new ProviderRegistry().find(type, name);
    }

    @Test
    void javaAndOnnxEncodersAgreeAndFeedTheSegHead() {
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(DIR, m);
                Checkpoint io = Checkpoint.open(DIR.resolve("io.safetensors"), m)) {
            MaskEncoderProvider encoders = provider(MaskEncoderProvider.class, "sam");
            SegmentationHeadProvider heads = provider(SegmentationHeadProvider.class, "sam");
            NDArray pixels = io.get("pixel_values");
            NDArray expected = io.get("image_embeddings");
            try (MaskEncoder java = encoders.create(context(ckpt, Map.of()));
                    MaskEncoder onnx = encoders.create(
                            context(ckpt, Map.of("engine", "onnx", "onnx.session.intraOpNumThreads", "1")));
                    SegmentationHead head = heads.create(context(ckpt, Map.of()))) {
                head.inputSpec().requireSatisfiedBy(java.outputSpec(), "sam", "sam");
                head.inputSpec().requireSatisfiedBy(onnx.outputSpec(), "sam", "sam");
                assertEquals(16, head.queryDim());
                List<NDArray> javaFeatures = java.encode(pixels);
                List<NDArray> onnxFeatures = onnx.encode(pixels);
                assertTrue(maxDiff(javaFeatures.get(0), onnxFeatures.get(0)) <= 1e-4);
                assertTrue(maxDiff(javaFeatures.get(0), expected) <= 2e-4);
                assertTrue(ckpt.unusedKeys().isEmpty(), "unused keys: " + ckpt.unusedKeys());

                // two targets: the golden [SEG] vector and a scaled copy, batched over one image
                NDArray seg = io.get("seg_sparse_embedding").reshape(1, 16);
                NDArray queries = seg.concat(seg.mul(-0.5f), 0);
                for (List<NDArray> features : List.of(javaFeatures, onnxFeatures)) {
                    SegmentationHead.HeadOutput out = head.predict(features, queries);
                    assertArrayEquals(new long[] {2, 32, 32}, out.maskLogits().getShape().getShape());
                    assertArrayEquals(new long[] {2}, out.scores().getShape().getShape());
                    assertEquals(2, out.stride());
                    assertTrue(out.auxMaskLogits().isEmpty());
                    assertTrue(maxDiff(out.maskLogits().get(0), io.get("seg_low_res_masks").reshape(32, 32)) <= 2e-4);
                    assertEquals(io.get("seg_iou_scores").getFloat(0, 0, 0), out.scores().getFloat(0), 2e-4);
                    SegmentationHead.HeadOutput empty = head.predict(features, queries.get("0:0"));
                    assertArrayEquals(new long[] {0, 32, 32}, empty.maskLogits().getShape().getShape());
                    assertArrayEquals(new long[] {0}, empty.scores().getShape().getShape());
                    SegmentationHead.HeadOutput alone = head.predict(features, queries.get("1:2"));
                    assertTrue(maxDiff(alone.maskLogits().get(0), out.maskLogits().get(1)) <= 1e-5);
                    assertEquals(alone.scores().getFloat(0), out.scores().getFloat(1), 1e-5);
                }
            }
        }
    }

    @Test
    void unknownEngineAndMissingOnnxFileAreExplained() {
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(DIR, m)) {
            MaskEncoderProvider encoders = provider(MaskEncoderProvider.class, "sam");
            SegEarthException e = assertThrows(SegEarthException.class,
                    () -> encoders.create(context(ckpt, Map.of("engine", "tensorrt"))));
            assertTrue(e.getMessage().contains("engine=onnx"), e.getMessage());
            SegEarthException missing = assertThrows(SegEarthException.class, () -> encoders.create(
                    context(ckpt, Map.of("engine", "onnx", "onnx.file", DIR.resolve("nope.onnx").toString()))));
            assertTrue(missing.getMessage().contains("nope.onnx"), missing.getMessage());
        }
    }

    private static double maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }
}
