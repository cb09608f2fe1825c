package org.segearth.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.stream.Stream;

/** File-tree helpers shared by the places that remove what they wrote themselves. */
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
}
