package org.segearth.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.segearth.api.ModelPackageException;

/**
 * Identities of a model package for run records and reports.
 * <ul>
 * <li>{@link #of}: cheap, for {@code segment}: SHA-256 over every file's relative path, size and
 * first {@value #HEAD} bytes (a safetensors header with its tensor names, shapes and offsets; a
 * JSON config whole), links followed. Two packages with other shapes almost always differ there;
 * two runs of the same training (same shapes, other values) do not.</li>
 * <li>{@link #contentSha256}: SHA-256 over every file's relative path and whole content, for
 * {@code eval} and {@code train}, whose runs last far longer than reading the weights once (about
 * a second per GB), and whose records must tell retrained weights apart.</li>
 * </ul>
 */
final class ModelIdentity {

    /** The bytes of each file that are hashed. */
    static final int HEAD = 1 << 16;
    private static final int MAX_DEPTH = 4;
    /** A package has tens of files; a folder with more is not one (a link to / would take minutes). */
    private static final int MAX_FILES = 10_000;

    private ModelIdentity() {}

    /** "sha256:&lt;first 16 hex digits&gt;" of {@code root}'s file names, sizes and first bytes. */
    static String of(Path root) {
        return "sha256:" + hash(root, HEAD).substring(0, 16);
    }

    /**
     * "sha256:&lt;64 hex digits&gt;" of {@code root}'s file names and whole contents (weights,
     * configs, tokenizer): another package, or the same one trained further, gives another value.
     */
    static String contentSha256(Path root) {
        return "sha256:" + hash(root, Long.MAX_VALUE);
    }

    /** Hex SHA-256 over each file's relative path, size and first {@code limit} bytes. */
    private static String hash(Path root, long limit) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<Path> files;
            try (Stream<Path> s = Files.walk(root, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
                files = s.filter(Files::isRegularFile)
                        .filter(f -> !f.getFileName().toString().startsWith("."))
                        .limit(MAX_FILES + 1L)
                        .sorted().toList();
            }
            if (files.size() > MAX_FILES) {
                throw new ModelPackageException("model package " + root + " holds more than " + MAX_FILES
                        + " files (within " + MAX_DEPTH + " levels, links followed); is --model the package folder?");
            }
            byte[] buffer = new byte[HEAD];
            for (Path f : files) {
                md.update(root.relativize(f).toString().replace('\\', '/').getBytes(StandardCharsets.UTF_8));
                md.update(Long.toString(Files.size(f)).getBytes(StandardCharsets.UTF_8));
                try (InputStream in = Files.newInputStream(f)) {
                    long left = limit;
                    int n;
                    while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
                        md.update(buffer, 0, n);
                        left -= n;
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new ModelPackageException("cannot read the model package " + root + " to identify it: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
