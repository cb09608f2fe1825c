package org.segearth.runtime.parity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;

/** The runner's machinery, with a check defined here: y = 2x + 1 on the dump's input. */
class ParityRunnerTest {

    /** Computes {@code y} from {@code x} of the dump. */
    public static class Affine implements ParityCheck {
        @Override
        public String component() {
            return "phi"; // a component whose real check lives in another module
        }

        @Override
        public void run(ParityContext context) {
            NDArray x = context.io().get("x");
            context.compare("y", x.mul(2).add(1), 1e-6, 1e-4);
        }
    }

    @TempDir
    Path root;

    private ParityRunner runner() throws IOException {
        Path services = Files.createDirectories(root.resolve("cp/META-INF/services"));
        Files.writeString(services.resolve(ParityCheck.class.getName()), Affine.class.getName());
        return new ParityRunner(new URLClassLoader(new URL[] {root.resolve("cp").toUri().toURL()},
                getClass().getClassLoader()));
    }

    private Path dump(float[] x, float[] y) throws IOException {
        Path dir = Files.createDirectories(root.resolve("phi"));
        try (NDManager m = Engines.newManager()) {
            SafetensorsWriter.write(dir.resolve("io.safetensors"),
                    Map.of("x", m.create(x), "y", m.create(y)), Map.of());
        }
        return dir;
    }

    @Test
    void okWhenOutputsMatch() throws IOException {
        List<String> lines = new ArrayList<>();
        ParityResult r = runner().run(dump(new float[] {1, 2, 3}, new float[] {3, 5, 7}), lines::add);
        assertTrue(r.ok(), r.verdict());
        assertEquals(1, lines.size());
        assertTrue(lines.get(0).startsWith("ok   y [3] max_abs_diff="), lines.get(0));
        assertTrue(r.verdict().startsWith("PARITY phi OK max_abs_diff="), r.verdict());
    }

    @Test
    void failWhenAnExpectedTensorIsAltered() throws IOException {
        List<String> lines = new ArrayList<>();
        ParityResult r = runner().run(dump(new float[] {1, 2, 3}, new float[] {3, 5.5f, 7}), lines::add);
        assertFalse(r.ok());
        assertTrue(lines.get(0).contains("worst=[1]") && lines.get(0).contains("expected=5.5"), lines.get(0));
        assertEquals("PARITY phi FAIL 1 of 1 tensors out of tolerance: [y]", r.verdict());
    }

    @Test
    void failWhenTheCheckCannotRun() throws IOException {
        Path dir = Files.createDirectories(root.resolve("phi"));
        try (NDManager m = Engines.newManager()) {
            SafetensorsWriter.write(dir.resolve("io.safetensors"), Map.of("x", m.create(new float[] {1})), Map.of());
        }
        ParityResult r = runner().run(dir, s -> { });
        assertFalse(r.ok());
        assertTrue(r.verdict().contains("no expected tensor 'y'"), r.verdict());
    }

    @Test
    void unknownAndUnimplementedComponents() throws IOException {
        ParityRunner runner = runner();
        Path other = Files.createDirectories(root.resolve("whatever"));
        assertTrue(runner.run(other, s -> { }).verdict().startsWith("PARITY whatever FAIL unknown component"));
        Path sam = Files.createDirectories(root.resolve("sam"));
        assertEquals("PARITY sam FAIL not implemented", runner.run(sam, s -> { }).verdict());
    }
}
