package org.segearth.runtime.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.segearth.api.SegEarthException;

/**
 * What every fuzz test accepts: a parser either returns or throws a {@link SegEarthException}
 * with a one-line message; any other exception, an {@link Error} or a hang is a finding.
 */
final class Fuzz {

    private Fuzz() {}

    /** Runs {@code parse}; a SegEarthException with a one-line message is an accepted outcome. */
    static void expectParsedOrRefused(Runnable parse) {
        try {
            parse.run();
        } catch (SegEarthException e) {
            String m = e.getMessage();
            if (m == null || m.isBlank() || m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
                throw new AssertionError("the error message is not one line: " + m, e);
            }
        }
    }

    /** A fresh temporary folder for one fuzz test class. */
    static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes {@code dir} and what it holds (links are removed, not followed). */
    static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
