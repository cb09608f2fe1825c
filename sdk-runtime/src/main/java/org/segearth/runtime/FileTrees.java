package org.segearth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** File-tree helpers shared by the places that copy and remove what they write themselves. */
public final class FileTrees {

    private FileTrees() {}

    /**
     * Deletes {@code p} and, when it is a folder, everything below it. Symbolic links are removed,
     * never followed: nothing outside {@code p} is touched. A missing {@code p} is not an error.
     */
    public static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            try (Stream<Path> s = Files.list(p)) {
                for (Path c : s.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(p);
    }

    /**
     * Copies the folders and regular files below {@code from} into {@code to} (created), keeping
     * their relative paths; symbolic links and other special files are left out. An existing file
     * at a target path is an error.
     */
    public static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path q = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(q);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.copy(p, q);
                }
            }
        }
    }
}
