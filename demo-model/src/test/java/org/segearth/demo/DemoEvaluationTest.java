package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.data.Sample;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.SegmentationFunction;

/** The validation helper's per-class numbers, checked with a function that marks the whole image. */
class DemoEvaluationTest {

    @TempDir
    Path tmp;

    @Test
    void perClassMetricsOfAWholeImageFunction() throws Exception {
        Path data = tmp.resolve("data");
        DubaiConverter.convert(Path.of(System.getProperty("segearth.testdata"), "dubai"), data,
                new DubaiConverter.Options(7, 2, 48, 0.005, 0.3));
        LaSeRSDataset val = new LaSeRSDataset(data, "val");
        // one whole-image mask per [SEG] of the reference answer
        SegmentationFunction whole = (image, instruction, answer) -> {
            int n = answer.split("\\[SEG]", -1).length - 1;
            boolean[] all = new boolean[image.getWidth() * image.getHeight()];
            java.util.Arrays.fill(all, true);
            List<Mask> masks = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                masks.add(Mask.fromBooleans(all, image.getWidth(), image.getHeight()));
            }
            return new SegmentationFunction.Output(answer, masks);
        };
        DemoEvaluation.Result r = DemoEvaluation.evaluate(val, whole, EvalMode.TEACHER_FORCED, tmp.resolve("eval"));
        // expected: IoU of a class target = its area / the image area
        Map<String, long[]> expected = new HashMap<>();
        for (Sample s : val.samples()) {
            @SuppressWarnings("unchecked")
            List<Object> classes = (List<Object>) s.extra().get("classes");
            List<Mask> gt = s.targets();
            for (int t = 0; t < gt.size(); t++) {
                long[] e = expected.computeIfAbsent(String.valueOf(classes.get(t)), k -> new long[2]);
                e[0] += gt.get(t).area();
                e[1] += (long) gt.get(t).width() * gt.get(t).height();
            }
        }
        assertTrue(!expected.isEmpty());
        assertEquals(expected.keySet(), r.perClass().keySet());
        expected.forEach((k, e) -> assertEquals((double) e[0] / e[1], r.perClass().get(k).cIoU(), 1e-9, k));
        r.countCorrect().values().forEach(v -> assertEquals(1.0, v, 1e-12));
        assertTrue(r.answerCorrect().isEmpty(), "no answers are written in teacher-forced mode");
        assertTrue(r.perClassCount().containsKey("1 class"));
        Path md = tmp.resolve("docs/metrics.md");
        DemoEvaluation.write(r, md, tmp.resolve("docs/metrics.json"), "Whole-image baseline");
        String text = Files.readString(md);
        assertTrue(text.contains("| **overall** |") && text.contains("class: water"), text);
        assertThrows(SegEarthException.class,
                () -> DemoEvaluation.evaluate(val, whole, EvalMode.TEACHER_FORCED, tmp.resolve("eval")));
    }

    /**
     * In generative mode, the share of answers equal to the reference's (case and spacing aside) per
     * category: a function that answers every other instruction right, in capitals.
     */
    @Test
    void answersAsTheReferenceAreCountedInGenerativeMode() {
        Path data = tmp.resolve("data");
        DubaiConverter.convert(Path.of(System.getProperty("segearth.testdata"), "dubai"), data,
                new DubaiConverter.Options(7, 2, 48, 0.005, 0.3));
        LaSeRSDataset val = new LaSeRSDataset(data, "val");
        Map<String, String> right = new HashMap<>();
        for (int i = 0; i < val.size(); i += 2) {
            right.putIfAbsent(val.get(i).instruction(), val.get(i).answer().orElseThrow());
        }
        SegmentationFunction half = (image, instruction, answer) -> new SegmentationFunction.Output(
                right.getOrDefault(instruction, "no idea").toUpperCase(java.util.Locale.ROOT) + " ", List.of());
        DemoEvaluation.Result r = DemoEvaluation.evaluate(val, half, EvalMode.GENERATIVE, tmp.resolve("eval"));
        Map<String, int[]> expected = new HashMap<>();
        for (Sample s : val.samples()) {
            int[] e = expected.computeIfAbsent(s.group().orElse("all"), k -> new int[2]);
            e[0] += s.answer().orElseThrow().equals(right.get(s.instruction())) ? 1 : 0;
            e[1]++;
        }
        assertEquals(expected.keySet(), r.answerCorrect().keySet());
        assertTrue(expected.values().stream().anyMatch(e -> e[0] > 0 && e[0] < e[1]), "some right, some wrong");
        expected.forEach((k, e) -> assertEquals((double) e[0] / e[1], r.answerCorrect().get(k), 1e-12, k));
        Path md = tmp.resolve("docs/metrics.md");
        DemoEvaluation.write(r, md, tmp.resolve("docs/metrics.json"), "Every other answer right");
        assertTrue(assertDoesNotThrow(() -> Files.readString(md)).contains("answers as the reference's"));
    }
}
