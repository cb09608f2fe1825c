package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;

/**
 * A package whose language-model checkpoint is stored in 16 bits: kept in float16 and multiplied
 * with the weight widened ({@code auto} for prompts, {@code f16-upcast}), it gives exactly the
 * masks of float32 weights; {@code f16} products stay close.
 */
class PrecisionTest {

    @TempDir
    static Path dir;

    static Path pkg;
    static BufferedImage image;

    @BeforeAll
    static void build() {
        pkg = TinyModel.create(dir);
        image = TinyModel.image();
        Path mllm = pkg.resolve("mllm/model.safetensors");
        try (NDManager m = Engines.newManager()) {
            Map<String, NDArray> half = new LinkedHashMap<>();
            try (Checkpoint c = Checkpoint.open(mllm, m)) {
                for (String k : c.keys()) {
                    NDArray t = c.get(k);
                    half.put(k, t.getDataType() == DataType.FLOAT32 ? t.toType(DataType.FLOAT16, false) : t);
                }
            }
            SafetensorsWriter.write(mllm, half, Map.of());
        }
    }

    private static SegmentationResult run(String precision) {
        try (Segmenter s = Segmenter.builder().model(pkg).precision(precision).build()) {
            return s.segmentWithAnswer(ImageSource.of(image), "segment the ships", "the ships [SEG] and the port [SEG]");
        }
    }

    @Test
    void float16WeightsWidenedForTheirProductsGiveTheFloat32Masks() {
        SegmentationResult f32 = run("f32");
        assertEquals(2, f32.targets().size());
        for (String p : List.of("auto", "f16-upcast")) {
            SegmentationResult r = run(p);
            assertEquals(masks(f32), masks(r), p);
            for (int i = 0; i < 2; i++) {
                assertEquals(f32.targets().get(i).score(), r.targets().get(i).score(), 1e-6, p);
            }
        }
    }

    @Test
    void float16ProductsStayClose() {
        SegmentationResult f32 = run("f32");
        SegmentationResult f16 = run("f16");
        for (int i = 0; i < 2; i++) {
            assertEquals(f32.targets().get(i).score(), f16.targets().get(i).score(), 0.02, "target " + i);
            double agree = agreement(f32.targets().get(i), f16.targets().get(i));
            assertTrue(agree > 0.97, "pixels agreeing with float32: " + agree);
        }
    }

    @Test
    void unknownPrecisionIsRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Segmenter.builder().precision("int4"));
        assertTrue(e.getMessage().contains("auto, f32, f16-upcast or f16"), e.getMessage());
    }

    private static List<Object> masks(SegmentationResult r) {
        return r.targets().stream().map(t -> (Object) t.mask()).toList();
    }

    private static double agreement(Target a, Target b) {
        boolean[] x = a.mask().toBooleans();
        boolean[] y = b.mask().toBooleans();
        int same = 0;
        for (int i = 0; i < x.length; i++) {
            same += x[i] == y[i] ? 1 : 0;
        }
        return same / (double) x.length;
    }
}
