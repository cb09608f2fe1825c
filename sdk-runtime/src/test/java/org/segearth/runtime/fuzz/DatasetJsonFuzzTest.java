package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.data.Sample;

/**
 * The dataset readers on a fuzzed annotation file: the first byte picks the file (a LaSeRS
 * annotation list, RRSIS-D's instances.json beside a fixed refs pickle, an EarthReason QA file,
 * a RefSegRS phrase list), the rest is its content. Every sample's targets are decoded; no image
 * is read.
 */
class DatasetJsonFuzzTest {

    private static Path root;
    private static byte[] refs;

    @BeforeAll
    static void createRoot() throws IOException {
        root = Fuzz.tempDir("segearth-fuzz-datasets");
        try (InputStream in = DatasetJsonFuzzTest.class.getResourceAsStream("refs.p")) {
            refs = in.readAllBytes();
        }
    }

    @AfterAll
    static void deleteRoot() {
        Fuzz.delete(root);
    }

    @FuzzTest
    void annotations(FuzzedDataProvider data) {
        int kind = data.consumeInt(0, 3);
        byte[] content = data.consumeRemainingAsBytes();
        Path dir = root.resolve("d" + kind);
        String name;
        switch (kind) {
            case 0 -> {
                Fuzz.write(dir.resolve("test/annotations/part.json"), content);
                name = "lasers";
            }
            case 1 -> {
                Fuzz.write(dir.resolve("rrsisd/instances.json"), content);
                Fuzz.write(dir.resolve("rrsisd/refs(unc).p"), refs);
                Fuzz.write(dir.resolve("images/rrsisd/JPEGImages/.keep"), new byte[0]);
                name = "rrsisd";
            }
            case 2 -> {
                Fuzz.write(dir.resolve("test/QAs/x1.json"), content);
                Fuzz.write(dir.resolve("test/images/x1.png"), new byte[0]);
                Fuzz.write(dir.resolve("test/labels/.keep"), new byte[0]);
                name = "earthreason";
            }
            default -> {
                Fuzz.write(dir.resolve("output_phrase_test.txt"), content);
                name = "refsegrs";
            }
        }
        Fuzz.expectParsedOrRefused(() -> {
            BenchmarkDataset ds = Datasets.open(name, dir, "test");
            for (Sample s : ds.samples()) {
                s.toString();
                s.answerOr(1);
                if (s.hasGroundTruth() && !name.equals("refsegrs") && !name.equals("earthreason")) {
                    s.targets();
                }
            }
        });
    }
}
