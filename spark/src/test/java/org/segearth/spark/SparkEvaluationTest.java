package org.segearth.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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

/** The distributed evaluation's report equals the single-machine evaluator's on the Dubai fixture. */
class SparkEvaluationTest {

    @TempDir
    Path tmp;

    @Test
    void reportEqualsTheSingleMachineReport() {
        Path root = tmp.resolve("dubai-lasers");
        DubaiConverter.convert(LocalSpark.testdata().resolve("dubai"), root,
                new DubaiConverter.Options(7, 2, 64, 0.005, 0.3));
        BenchmarkDataset val = Datasets.open("lasers", root, "val");
        assertTrue(val.size() >= 3, "samples: " + val.size());

        EvaluationReport single;
        try (Segmenter segmenter = Segmenter.builder().threads(1).build()) {
            single = Evaluator.builder().function(SegmentationFunction.of(segmenter)).mode(EvalMode.TEACHER_FORCED)
                    .build().run(val);
        }
        EvaluationReport distributed = SparkEvaluation.builder()
                .dataset("lasers", root.toString(), "val")
                .mode(EvalMode.TEACHER_FORCED)
                .partitions(3)
                .build()
                .run(LocalSpark.session());

        assertEquals(withoutTiming(single.toJson()), withoutTiming(distributed.toJson()));
        assertEquals(single.gIoU(), distributed.gIoU());
        assertEquals(single.cIoU(), distributed.cIoU());
        assertEquals(single.groups().keySet(), distributed.groups().keySet());
        assertTrue(single.groups().size() >= 2, single.toJson());
        assertTrue(single.gIoU() > 0, single.toJson());
    }

    private static JsonObject withoutTiming(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        o.remove("timing");
        return o;
    }
}
