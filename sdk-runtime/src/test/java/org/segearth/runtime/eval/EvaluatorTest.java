package org.segearth.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Mask;
import org.segearth.api.Rle;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.data.Fixtures;

class EvaluatorTest {

    private static final Mask A = Fixtures.lasersA(); // 6 pixels
    private static final Mask B = Fixtures.lasersB(); // 6 pixels, disjoint from A

    /** Too few masks for the roofs, none for the pool, one extra for the landing question. */
    private static SegmentationFunction.Output answer(String instruction) {
        return switch (instruction) {
            case "segment the two roofs" -> new SegmentationFunction.Output("roofs [SEG]", List.of(A));
            case "the pool" -> new SegmentationFunction.Output("nothing", List.of());
            case "where to land?" -> new SegmentationFunction.Output("[SEG] [SEG]", List.of(A, B));
            default -> throw new IllegalArgumentException(instruction);
        };
    }

    @Test
    void metricsOverallAndPerGroup(@TempDir Path dir) throws Exception {
        BenchmarkDataset ds = Datasets.open("lasers", Fixtures.lasers(dir.resolve("data")), "test");
        List<String> answers = new ArrayList<>();
        Path out = dir.resolve("out");
        EvaluationReport r = Evaluator.builder()
                .function((image, instruction, answer) -> {
                    answers.add(answer);
                    assertEquals(8, image.getWidth());
                    return answer(instruction);
                })
                .mode(EvalMode.TEACHER_FORCED)
                .output(out)
                .masks(Evaluator.MaskOutput.PNG)
                .build()
                .run(ds);
        assertEquals(List.of("here [SEG]", "the roofs [SEG] and [SEG]", "pool [SEG]"), answers);
        // per target IoUs: landing 1; roofs 1 and 0 (the last mask repeated); pool 0 (no mask)
        assertEquals(0.5, r.gIoU(), 1e-12);
        assertEquals(12.0 / 30.0, r.cIoU(), 1e-12);
        assertEquals(4, r.overall().perTarget().targets());
        // per sample, targets merged: 6/12, 6/12, 0/6
        ReferringMetrics s = r.overall().perSample();
        assertEquals((6 / (12 + 1e-5) * 2) / 3, s.gIoU(), 1e-12);
        assertEquals(12 / (30 + 1e-10), s.cIoU(), 1e-12);
        assertEquals(0.0, s.precisionAt(0.5));
        assertEquals(1.0, r.groups().get("implicit-q").perTarget().gIoU(), 1e-12);
        assertEquals(1.0 / 3, r.groups().get("part").perTarget().gIoU(), 1e-12);

        JsonObject json = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals(0.5, json.get("gIoU").getAsDouble(), 1e-12);
        assertEquals(0.4, json.get("cIoU").getAsDouble(), 1e-12);
        assertTrue(json.getAsJsonObject("groups").has("part"));
        assertEquals(3, json.get("samples").getAsInt());
        List<String> csv = Files.readAllLines(out.resolve("samples.csv"));
        assertEquals(4, csv.size());
        assertEquals(String.join(",", Evaluator.CSV_HEADER), csv.get(0));
        assertTrue(csv.get(2).startsWith("p1,part,2,1,6,12,"), csv.get(2));
        assertTrue(csv.get(2).contains(",6;0,6;12,"), csv.get(2));
        assertTrue(Files.exists(out.resolve("masks/i1_1.png")));
    }

    @Test
    void samplesScoredApartGiveTheSameReport(@TempDir Path dir) throws Exception {
        BenchmarkDataset ds = Datasets.open("lasers", Fixtures.lasers(dir.resolve("data")), "test");
        Evaluator evaluator = Evaluator.builder()
                .function((image, instruction, answer) -> answer(instruction))
                .mode(EvalMode.TEACHER_FORCED)
                .build();
        EvaluationReport whole = evaluator.run(ds);
        // scored one by one, each through a serialized copy (as between processes), then summed
        List<SampleScore> scores = new ArrayList<>();
        for (var sample : ds.samples()) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(evaluator.score(sample));
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                    new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                scores.add((SampleScore) in.readObject());
            }
        }
        EvaluationReport apart = evaluator.report(ds, scores, 1.0);
        assertEquals(0.5, apart.gIoU(), 1e-12);
        assertEquals(withoutTiming(whole.toJson()), withoutTiming(apart.toJson()));
        assertEquals(2, scores.get(1).targets().size());
        assertEquals(6, scores.get(1).merged()[0]);
    }

    private static JsonObject withoutTiming(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.remove("timing");
        return o;
    }

    @Test
    void partialRunContinues(@TempDir Path dir) throws Exception {
        BenchmarkDataset ds = Datasets.open("lasers", Fixtures.lasers(dir.resolve("data")), "test");
        Path out = dir.resolve("out");
        Evaluator failing = Evaluator.builder().output(out).function((image, instruction, answer) -> {
            if (instruction.equals("the pool")) {
                throw new IllegalStateException("interrupted");
            }
            return answer(instruction);
        }).mode(EvalMode.TEACHER_FORCED).masks(Evaluator.MaskOutput.RLE).build();
        assertThrows(IllegalStateException.class, () -> failing.run(ds));
        assertEquals(3, Files.readAllLines(out.resolve("samples.csv")).size());

        AtomicInteger calls = new AtomicInteger();
        EvaluationReport resumed = Evaluator.builder().output(out).function((image, instruction, answer) -> {
            calls.incrementAndGet();
            return answer(instruction);
        }).mode(EvalMode.TEACHER_FORCED).masks(Evaluator.MaskOutput.RLE).build().run(ds);
        assertEquals(1, calls.get());
        assertEquals(2, resumed.resumed());
        assertEquals(0.5, resumed.gIoU(), 1e-12);
        assertEquals(0.4, resumed.cIoU(), 1e-12);
        assertEquals(1.0 / 3, resumed.groups().get("part").perTarget().gIoU(), 1e-12);
        assertEquals(4, Files.readAllLines(out.resolve("samples.csv")).size());

        List<String> predictions = Files.readAllLines(out.resolve("predictions.jsonl"));
        assertEquals(3, predictions.size());
        JsonObject landing = JsonParser.parseString(predictions.get(0)).getAsJsonObject();
        assertEquals("i1", landing.get("id").getAsString());
        JsonObject rle = landing.getAsJsonArray("masks").get(1).getAsJsonObject();
        assertEquals(B, Rle.fromCompressedString(rle.get("counts").getAsString(), 6, 8).toMask());
    }

    @Test
    void referringDatasetsReportPerSample(@TempDir Path dir) throws Exception {
        BenchmarkDataset ds = Datasets.open("lasers", Fixtures.lasers(dir.resolve("data")), "test");
        EvaluationReport r = Evaluator.builder().style(MetricStyle.PER_SAMPLE)
                .function((image, instruction, answer) -> answer(instruction)).build().run(ds);
        assertEquals(r.overall().perSample().gIoU(), r.gIoU());
        assertEquals(MetricStyle.PER_SAMPLE, MetricStyle.forDataset("rrsisd"));
    }
}
