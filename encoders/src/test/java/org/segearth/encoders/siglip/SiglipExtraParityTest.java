package org.segearth.encoders.siglip;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

/**
 * Parity on the extra {@code siglip_vision} dumps of {@code testdata/extra/<variant>/siglip_vision} (other tiny
 * configurations and images, made by {@code tools/reference}).
 */
class SiglipExtraParityTest {

    static List<Path> dumps() throws IOException {
        Path extra = Goldens.testdata().resolve("extra");
        try (Stream<Path> variants = Files.list(extra)) {
            return variants.map(v -> v.resolve("siglip_vision")).filter(Files::isDirectory).sorted()
                    .collect(Collectors.toList());
        }
    }

    @Test
    void thereAreExtraDumps() throws IOException {
        assertFalse(dumps().isEmpty(), "no testdata/extra/*/siglip_vision folders");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dumps")
    void matchesTheReference(Path dir) {
        ParityResult r = new ParityRunner().run(dir, System.out::println);
        assertTrue(r.ok(), dir.getParent().getFileName() + ": " + r.verdict());
    }
}
