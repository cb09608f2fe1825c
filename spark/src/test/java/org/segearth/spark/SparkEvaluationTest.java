package org.segearth.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Segmenter;
import org.segearth.demo.DubaiConverter;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.eval.EvalMode;
import org.segearth.runtime.eval.EvaluationReport;
import org.segearth.runtime.eval.Evaluator;
import org.segearth.runtime.eval.SegmentationFunction;
import org.segearth.spark.sample.EvaluateOnSpark;

/** The distributed evaluation's report equals the single-machine evaluator's on the Dubai fixture. */
class SparkEvaluationTest {

    @TempDir
    Path tmp;

    @Test
    void reportEqualsTheSingleMachineReport() throws Exception {
        Path root = tmp.resolve("dubai-lasers");
        DubaiConverter.convert(LocalSpark.testdata().resolve("dubai"), root,
                new DubaiConverter.Options(7, 2, 64, 0.005, 0.3));
        keepTwoPerCategory(root.resolve("val/annotations/val.json"));
        BenchmarkDataset val = Datasets.open("lasers", root, "val");
        assertTrue(val.size() >= 6, "samples: " + val.size());

        EvaluationReport single;
        try (Segmenter segmenter = Segmenter.builder().threads(1).build()) {
            single = Evaluator.builder().function(SegmentationFunction.of(segmenter)).mode(EvalMode.TEACHER_FORCED)
                    .build().run(val);
        }
        // through the spark-submit sample, which writes report.json
        Path report = tmp.resolve("report.json");
        EvaluationReport distributed = EvaluateOnSpark.run(LocalSpark.session(), "lasers", root.toString(), "val",
                report, null);
        assertEquals(distributed.toJson() + "\n", Files.readString(report));
        assertThrows(UncheckedIOException.class,
                () -> EvaluateOnSpark.run(LocalSpark.session(), "lasers", root.toString(), "val", report, null));

        assertEquals(withoutTiming(single.toJson()), withoutTiming(distributed.toJson()));
        assertEquals(single.gIoU(), distributed.gIoU());
        assertEquals(single.cIoU(), distributed.cIoU());
        assertEquals(single.groups().keySet(), distributed.groups().keySet());
        assertTrue(single.groups().size() >= 2, single.toJson());
        assertTrue(single.gIoU() > 0, single.toJson());
    }

    /** The first two records of each category: a short test that still has several groups. */
    private static void keepTwoPerCategory(Path annotations) throws Exception {
        JsonArray all = JsonParser.parseString(Files.readString(annotations)).getAsJsonArray();
        JsonArray kept = new JsonArray();
        java.util.Map<String, Integer> perCategory = new java.util.HashMap<>();
        for (var e : all) {
            String category = e.getAsJsonObject().get("category").getAsString();
            if (perCategory.merge(category, 1, Integer::sum) <= 2) {
                kept.add(e);
            }
        }
        Files.writeString(annotations, kept.toString());
    }

    private static JsonObject withoutTiming(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.remove("timing");
        return o;
    }
}
