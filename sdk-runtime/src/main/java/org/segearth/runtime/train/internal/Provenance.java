package org.segearth.runtime.train.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.pipeline.ModelPackage;

/** What a trained package records about its making: base checkpoints with their SHA-256, data, config, seed. */
public final class Provenance {

    private Provenance() {
    }

    /** The base package's weight files (relative path -> SHA-256). */
    public static Map<String, String> baseHashes(ModelPackage base) {
        Map<String, String> out = new TreeMap<>();
        for (Path dir : List.of(base.mllm(), base.maskHead(), base.root().resolve("adapter"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".safetensors")).sorted()
                            .forEach(f -> out.put(base.root().relativize(f).toString(), sha256(f)));
                } catch (IOException e) {
                    throw new SegEarthException("cannot list " + dir + ": " + e.getMessage(), e);
                }
            }
        }
        out.put("seg_projector.safetensors", sha256(base.segProjector()));
        base.trained().ifPresent(t -> out.put("trained.safetensors", sha256(t)));
        return out;
    }

    /** The SHA-256 of {@code file} in hex. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + file + " to hash it: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
