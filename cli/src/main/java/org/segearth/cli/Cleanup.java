package org.segearth.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Temporary files and folders of a command, removed when the command ends and, should the process
 * be stopped (Ctrl-C, SIGTERM), by a shutdown hook. A {@code finally} block alone does not run
 * when the JVM exits on a signal.
 */
final class Cleanup {

    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PENDING.forEach(Cleanup::delete), "segearth-cleanup"));
    }

    private Cleanup() {}

    /** Registers {@code p} for removal at exit and returns it. */
    static Path register(Path p) {
        PENDING.add(p);
        return p;
    }

    /** Removes {@code p} (a file, or a folder with everything in it, links not followed) now. */
    static void remove(Path p) {
        if (p != null) {
            delete(p);
            PENDING.remove(p);
        }
    }

    private static void delete(Path p) {
        try {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.forEach(Cleanup::delete);
                }
            }
            Files.deleteIfExists(p);
        } catch (IOException | RuntimeException e) {
            // best effort: what cannot be removed stays, named by its .segearth-tmp prefix
        }
    }
}
