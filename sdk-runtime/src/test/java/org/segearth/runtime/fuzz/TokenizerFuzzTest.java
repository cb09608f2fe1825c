package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.segearth.runtime.text.TextTokenizer;

/** A fuzzed tokenizer.json opened as a model package's tokenizer, then used once. */
class TokenizerFuzzTest {

    private static Path dir;

    @BeforeAll
    static void createDir() {
        dir = Fuzz.tempDir("segearth-fuzz-tokenizer");
    }

    @AfterAll
    static void deleteDir() {
        Fuzz.delete(dir);
    }

    @FuzzTest
    void open(byte[] json) {
        Path file = dir.resolve("tokenizer.json");
        Fuzz.write(file, json);
        Fuzz.expectParsedOrRefused(() -> {
            try (TextTokenizer t = TextTokenizer.open(file)) {
                t.encodePrompt("segment the ships <image>");
                t.decode(t.encode("the ships [SEG] and the pier [SEG]"));
            }
        });
    }
}
