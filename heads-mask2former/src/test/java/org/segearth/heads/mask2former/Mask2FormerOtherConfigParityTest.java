package org.segearth.heads.mask2former;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

/**
 * Parity on the other tiny configurations kept in {@code testdata/extra/<variant>/mask2former}:
 * other depths, heads, windows (stages at or below the window), widths, non-square images,
 * decoder sizes and query counts.
 */
class Mask2FormerOtherConfigParityTest {

    static List<Path> variants() throws IOException {
        Path extra = Goldens.testdata().resolve("extra");
        try (Stream<Path> dirs = Files.list(extra)) {
            List<Path> found = dirs.map(d -> d.resolve("mask2former")).filter(Files::isDirectory).sorted().toList();
            assertFalse(found.isEmpty(), "no mask2former variants under " + extra);
            return found;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void reproducesTheVariant(Path dir) {
        ParityResult r = new ParityRunner().run(dir, System.out::println);
        assertTrue(r.ok(), dir.getParent().getFileName() + ": " + r.verdict());
    }
}
