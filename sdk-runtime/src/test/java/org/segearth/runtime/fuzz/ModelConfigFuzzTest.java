package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.Mask2FormerConfig;
import org.segearth.spi.config.MiphaConfig;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.config.SiglipVisionConfig;
import org.segearth.spi.config.SwinConfig;

/**
 * One fuzzed JSON text read as a model package's manifest and as every component config; the
 * sizes derived from a config that is accepted must be computable.
 */
class ModelConfigFuzzTest {

    private static Path dir;

    @BeforeAll
    static void createDir() {
        dir = Fuzz.tempDir("segearth-fuzz-configs");
    }

    @AfterAll
    static void deleteDir() {
        Fuzz.delete(dir);
    }

    @FuzzTest
    void configs(byte[] json) {
        Path file = dir.resolve(Manifest.FILE);
        Fuzz.write(file, json);
        Fuzz.expectParsedOrRefused(() -> Manifest.read(file).toJson());
        String text = new String(json, StandardCharsets.UTF_8);
        each(text, c -> {
            PhiConfig p = PhiConfig.from(c);
            check(p.headDim() > 0 && p.rotaryDim() >= 0, p);
        });
        each(text, c -> MiphaConfig.from(c).vision().numPatches());
        each(text, c -> {
            SiglipVisionConfig s = SiglipVisionConfig.from(c);
            check(s.numPatches() >= 0, s);
        });
        each(text, c -> {
            SwinConfig s = SwinConfig.from(c);
            check(s.stageDim(s.depths().length - 1) > 0, s);
        });
        each(text, c -> Mask2FormerConfig.from(c).backbone());
        each(text, c -> SamConfig.from(c).promptEncoder().imageEmbeddingSize());
        each(text, c -> check(Double.isFinite(LoraConfig.from(c).scale()), c));
    }

    private static void each(String text, Consumer<JsonConfig> reader) {
        Fuzz.expectParsedOrRefused(() -> reader.accept(JsonConfig.parse(text, "config.json")));
    }

    private static void check(boolean ok, Object config) {
        if (!ok) {
            throw new AssertionError("accepted a config with unusable derived sizes: " + config);
        }
    }
}
