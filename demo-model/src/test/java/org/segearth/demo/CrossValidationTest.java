package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Sample;

class CrossValidationTest {

    @TempDir
    Path tmp;

    /** A fold's metrics file as DemoEvaluation.write makes it (only the fields the table reads). */
    Path fold(String name, double overall, double water, boolean withMultiple) throws IOException {
        String groups = "\"single\": {\"per_target\": {\"gIoU\": " + overall + ", \"cIoU\": 0.5, \"targets\": 10}}"
                + (withMultiple ? ", \"multiple\": {\"per_target\": {\"gIoU\": 0.2, \"cIoU\": 0.3, \"targets\": 4}}" : "");
        String json = "{\"evaluator\": {\"overall\": {\"per_target\": {\"gIoU\": " + overall + ", \"cIoU\": "
                + (overall + 0.1) + ", \"targets\": 14}}, \"groups\": {" + groups + "}}, \"per_class\": {\"water\": {"
                + "\"gIoU\": " + water + ", \"cIoU\": 0.9, \"targets\": 6}}}";
        Path f = tmp.resolve(name + ".json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void tableHoldsEveryFoldAndTheMeanAndSpread() throws IOException {
        Map<String, List<Path>> sets = new LinkedHashMap<>();
        sets.put("seen", List.of(fold("a", 0.4, 0.7, true), fold("b", 0.5, 0.8, false), fold("c", 0.6, 0.9, true)));
        sets.put("unseen", List.of(fold("d", 0.3, 0.6, true)));
        Path md = tmp.resolve("out/cv.md");
        Path json = tmp.resolve("out/cv.json");
        CrossValidation.write(sets, md, json, "CV");
        JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonObject overall = o.getAsJsonObject("seen").getAsJsonObject("overall");
        assertEquals(0.5, overall.get("gIoU_mean").getAsDouble(), 1e-9);
        assertEquals(0.1, overall.get("gIoU_sd").getAsDouble(), 1e-9);
        assertEquals(0.6, overall.get("cIoU_mean").getAsDouble(), 1e-9);
        assertEquals(42, overall.get("targets").getAsLong());
        assertEquals(0.8, o.getAsJsonObject("seen").getAsJsonObject("class: water").get("gIoU_mean").getAsDouble(), 1e-9);
        assertEquals(2, o.getAsJsonObject("seen").getAsJsonObject("kind: multiple").get("folds").getAsInt());
        assertEquals(0, o.getAsJsonObject("unseen").getAsJsonObject("overall").get("gIoU_sd").getAsDouble());
        String text = Files.readString(md);
        assertTrue(text.contains("| overall | 42 | 0.400 / 0.500 | 0.500 / 0.600 | 0.600 / 0.700 | **0.500** +- 0.100"),
                text);
        assertTrue(text.contains("## unseen (1 folds)"), text);
        // the fold without multi-class instructions keeps its column
        assertTrue(text.contains("| kind: multiple | 8 | 0.200 / 0.300 | - | 0.200 / 0.300 | **0.200** +- 0.000"), text);
    }

    @Test
    void unreadableFoldIsAOneLineError() {
        SegEarthException e = assertThrows(SegEarthException.class,
                () -> CrossValidation.rows(List.of(tmp.resolve("missing.json"))));
        assertTrue(e.getMessage().contains("missing.json") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void everyKthKeepsEveryKthRecord() {
        BenchmarkDataset ten = new BenchmarkDataset() {
            public String name() {
                return "lasers";
            }

            public String split() {
                return "val";
            }

            public int size() {
                return 10;
            }

            public Sample get(int index) {
                throw new IndexOutOfBoundsException(index);
            }
        };
        assertEquals(10, TrainDemoModel.everyKth(ten, 1).size());
        assertEquals(4, TrainDemoModel.everyKth(ten, 3).size());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
                () -> TrainDemoModel.everyKth(ten, 3).get(3));
        assertEquals("Index out of range: 9", e.getMessage());
        assertThrows(SegEarthException.class, () -> TrainDemoModel.everyKth(ten, 0));
    }
}
