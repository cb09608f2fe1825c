package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.parity.Goldens;

class ParityCommandTest {

    @TempDir
    Path dir;

    private Path copy(String golden) throws IOException {
        Path source = Goldens.dir(golden);
        Path target = Files.createDirectories(dir.resolve(golden));
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
        }
        return target;
    }

    /** Rewrites {@code io.safetensors} with {@code name} changed by {@code delta} at its first element. */
    private static void alter(Path golden, String name, float delta) {
        Path io = golden.resolve("io.safetensors");
        try (NDManager m = Engines.newManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            try (Checkpoint ckpt = Checkpoint.open(io, m)) {
                for (String key : ckpt.keys()) {
                    tensors.put(key, ckpt.get(key));
                }
            }
            NDArray t = tensors.get(name);
            float[] values = t.toFloatArray();
            values[0] += delta;
            tensors.put(name, m.create(values, t.getShape()));
            SafetensorsWriter.write(io, tensors, Map.of());
        }
    }

    @Test
    void goldenPassesAndFailsOnceAnExpectedTensorIsAltered() throws IOException {
        Path golden = copy("preprocess");
        CliRun ok = CliRun.of("parity", golden.toString());
        assertEquals(0, ok.exitCode(), ok.out() + ok.err());
        assertTrue(ok.out().contains("PARITY preprocess OK max_abs_diff="), ok.out());

        alter(golden, "siglip_56", 0.01f);
        CliRun failed = CliRun.of("parity", golden.toString());
        assertEquals(1, failed.exitCode(), failed.out() + failed.err());
        String[] lines = failed.out().strip().split("\n");
        assertEquals("PARITY preprocess FAIL 1 of 6 tensors out of tolerance: [siglip_56]", lines[lines.length - 1]);
        assertTrue(failed.out().contains("FAIL siglip_56 [1, 3, 56, 56]") && failed.out().contains("worst=[0, 0, 0, 0]"),
                failed.out());
    }

    @Test
    void unknownFolderFails() throws IOException {
        Path other = Files.createDirectories(dir.resolve("something"));
        CliRun run = CliRun.of("parity", other.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.out().strip().startsWith("PARITY something FAIL unknown component"), run.out());
    }

    @Test
    void usageErrorWithoutFolder() {
        assertEquals(2, CliRun.of("parity").exitCode());
    }
}
