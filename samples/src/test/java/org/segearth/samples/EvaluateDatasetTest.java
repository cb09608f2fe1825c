package org.segearth.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.eval.EvaluationReport;

/**
 * {@link EvaluateDataset} on the Dubai tiles in LaSeRS format: the {@code train} split (6 samples on
 * two views) rather than {@code val} (40 samples), to keep the test short; the evaluator treats
 * every split alike.
 */
class EvaluateDatasetTest {

    @TempDir
    Path dir;

    @Test
    void reportCoversEverySampleAndIsWritten() throws IOException {
        Path root = Fixtures.dubaiLaSeRS(dir);
        int samples = new LaSeRSDataset(root, "train").size();
        Path out = dir.resolve("eval");
        EvaluationReport r = EvaluateDataset.run(Fixtures.tinyModel(dir), root, "train", out);
        assertEquals(samples, r.samples());
        assertTrue(r.gIoU() >= 0 && r.gIoU() <= 1, "gIoU " + r.gIoU());
        assertTrue(r.cIoU() >= 0 && r.cIoU() <= 1, "cIoU " + r.cIoU());
        assertTrue(!r.groups().isEmpty());
        JsonObject report = JsonParser.parseString(Files.readString(out.resolve("report.json"))).getAsJsonObject();
        assertEquals(r.gIoU(), report.get("gIoU").getAsDouble(), 1e-9);
        assertEquals("teacher-forced", report.get("mode").getAsString());
        assertEquals(samples + 1, Files.readAllLines(out.resolve("samples.csv")).size(), "header + one row per sample");
    }
}
