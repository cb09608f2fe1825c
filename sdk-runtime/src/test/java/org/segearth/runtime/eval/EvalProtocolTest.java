package org.segearth.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Box;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.data.Fixtures;

/** The official protocol's frame: ground truth squashed as torch does it, IoU in the padded frame. */
class EvalProtocolTest {

    @Test
    void squashEqualsTorchsUint8BilinearKernel() {
        Random random = new Random(7);
        int[][] sizes = {{7, 9, 40, 40}, {103, 128, 1024, 1024}, {13, 5, 64, 30}, {6, 8, 16, 16}, {50, 50, 1024, 1024}};
        try (NDManager m = Engines.newManager()) {
            for (int[] s : sizes) {
                int h = s[0];
                int w = s[1];
                byte[] pixels = new byte[h * w];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (byte) (random.nextInt(3) == 0 ? 1 : 0);
                }
                // F.interpolate(uint8 [1, 1, h, w], size, mode="bilinear", align_corners=False): torch's own kernel
                NDArray u8 = m.create(pixels, new Shape(1, 1, h, w)).toType(DataType.UINT8, false);
                byte[] torch = u8.getNDArrayInternal().interpolation(new long[] {s[2], s[3]}, 1, false).toByteArray();
                boolean[] expected = new boolean[torch.length];
                for (int i = 0; i < torch.length; i++) {
                    expected[i] = torch[i] != 0;
                }
                Mask ours = FrameMasks.resize(Mask.fromBytes(pixels, w, h), s[3], s[2]);
                assertArrayEquals(expected, ours.toBooleans(), h + "x" + w + " -> " + s[2] + "x" + s[3]);
            }
        }
    }

    @Test
    void aPerfectPredictionOfANonSquareImageScoresBelowOneInTheOfficialFrame(@TempDir Path dir) throws Exception {
        BenchmarkDataset ds = Datasets.open("lasers", Fixtures.lasers(dir.resolve("data")), "test");
        int frame = 16; // the 8x6 images fill the top 16x12 of the letterbox frame
        SegmentationFunction perfect = (image, instruction, answer) -> {
            List<Mask> gt = targets(ds, instruction);
            List<Mask> inFrame = gt.stream().map(g -> letterboxed(g, frame)).toList();
            return new SegmentationFunction.Output(answer, gt, inFrame, frame);
        };
        EvaluationReport sdk = Evaluator.builder().function(perfect).mode(EvalMode.TEACHER_FORCED).build().run(ds);
        assertEquals(1.0, sdk.gIoU(), 1e-12);
        Path out = dir.resolve("official");
        EvaluationReport official = Evaluator.builder().function(perfect).mode(EvalMode.TEACHER_FORCED)
                .protocol(EvalProtocol.OFFICIAL).output(out).detail("sampling", Map.of("temperature", 0.2))
                .build().run(ds);
        // expected by hand: the letterboxed prediction against the squashed ground truth
        double sum = 0;
        int n = 0;
        for (var sample : ds.samples()) {
            for (Mask g : sample.targets()) {
                Mask squashed = FrameMasks.squash(g, frame);
                Mask predicted = letterboxed(g, frame);
                sum += TargetMetrics.iou(squashed.intersectionArea(predicted), squashed.unionArea(predicted));
                n++;
            }
        }
        assertTrue(sum / n < 0.9, "the squashed ground truth is stretched downwards: " + sum / n);
        assertEquals(sum / n, official.gIoU(), 1e-12);
        assertNotEquals(sdk.gIoU(), official.gIoU());
        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals("official", json.get("protocol").getAsString());
        assertEquals("teacher-forced", json.get("mode").getAsString());
        assertTrue(json.get("mode_note").getAsString().contains("upper bound"));
        assertTrue(json.get("iou_frame").getAsString().startsWith("padded square frame"));
        assertEquals(0.2, json.getAsJsonObject("sampling").get("temperature").getAsDouble());
    }

    @Test
    void theOfficialProtocolNeedsFrameMasks(@TempDir Path dir) throws Exception {
        BenchmarkDataset ds = Datasets.open("lasers", Fixtures.lasers(dir.resolve("data")), "test");
        Evaluator e = Evaluator.builder().protocol(EvalProtocol.OFFICIAL)
                .function((image, instruction, answer) -> new SegmentationFunction.Output("x", List.of()))
                .build();
        SegEarthException error = assertThrows(SegEarthException.class, () -> e.run(ds));
        assertTrue(error.getMessage().contains("OfficialProtocol.function"), error.getMessage());
    }

    @Test
    void officialDecodingIsSampledAtTemperatureTwoTenthsWithTopK50() {
        var g = EvalProtocol.officialGeneration(9);
        assertEquals(0.2, g.temperature());
        assertEquals(50, g.topK());
        assertEquals(1.0, g.topP());
        assertEquals(128, g.maxNewTokens());
        assertEquals(9, g.seed());
    }

    private static List<Mask> targets(BenchmarkDataset ds, String instruction) {
        return ds.samples().stream().filter(s -> s.instruction().equals(instruction)).findFirst().orElseThrow()
                .targets();
    }

    /** {@code m} enlarged by whole pixels into the top-left of a {@code frame}-square letterbox (nearest). */
    private static Mask letterboxed(Mask m, int frame) {
        int scale = frame / Math.max(m.width(), m.height());
        Mask.Builder b = Mask.builder(frame, frame);
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                if (m.get(x, y)) {
                    b.fill(new Box(x * scale, y * scale, scale, scale));
                }
            }
        }
        return b.build();
    }
}
