package org.segearth.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import sun.misc.Signal;

/**
 * Temporary files and folders of a command, removed when the command ends and, should the process
 * be stopped (Ctrl-C, SIGTERM), by a shutdown hook. A {@code finally} block alone does not run
 * when the JVM exits on a signal.
 *
 * <p>The command line also handles SIGINT and SIGTERM itself ({@link #exitOnSignals}): it removes
 * the temporary files, then ends the process at once with {@code _exit}. The JVM's ordinary exit
 * runs libtorch's static destructors while a training or inference thread is still inside
 * PyTorch, which crashes the process (SIGABRT) and leaves an {@code hs_err_pid*.log} in the
 * working folder.
 */
final class Cleanup {

    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> PENDING.forEach(Cleanup::delete), "segearth-cleanup"));
    }

    private Cleanup() {}

    /** From {@code main} only: SIGINT and SIGTERM remove the temporary files and end the process (130, 143). */
    static void exitOnSignals() {
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    PENDING.forEach(Cleanup::delete);
                    System.err.flush();
                    System.out.flush();
                    int code = 128 + signal.getNumber();
                    try {
                        NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("_exit")
                                .invokeVoid(new Object[] {code});
                    } catch (RuntimeException | UnsatisfiedLinkError e) {
                        Runtime.getRuntime().halt(code);
                    }
                });
            } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                // the platform has no such signal, or the JVM reserves it (-Xrs): the shutdown hook remains
            }
        }
    }

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
