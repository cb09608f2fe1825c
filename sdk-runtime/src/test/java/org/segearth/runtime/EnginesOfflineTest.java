package org.segearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SDK itself applies the command line's engine settings (offline mode, graph optimizer off):
 * checked in a JVM started without the properties, as a library user starts one.
 */
class EnginesOfflineTest {

    /** Started in a fresh JVM: starts the engine through the SDK and prints the property. */
    public static final class Probe {
        public static void main(String[] args) {
            try (var manager = Engines.newManager()) {
                System.out.println("offline=" + System.getProperty("ai.djl.offline") + " graph_optimizer="
                        + System.getProperty("ai.djl.pytorch.graph_optimizer") + " sum="
                        + manager.create(new float[] {1, 2}).sum().getFloat());
            }
        }
    }

    @Test
    void settingsAreAppliedBeforeDjlStarts(@TempDir Path dir) throws IOException, InterruptedException {
        Path err = dir.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectError(err.toFile())
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        assertEquals("offline=true graph_optimizer=false sum=3.0", out);
        String log = Files.readString(err);
        // DJL logs this notice at every engine start while the optimizer is on
        assertFalse(log.contains("graph executor optimizer is enabled"), log);
        assertFalse(log.contains("CUDA"), log);
    }

    @Test
    void settingsTheUserGaveAreKept() {
        Properties user = new Properties();
        user.setProperty("ai.djl.pytorch.graph_optimizer", "true");
        Engines.applyDefaults(user);
        assertEquals("true", user.getProperty("ai.djl.pytorch.graph_optimizer"));
        assertEquals("true", user.getProperty("ai.djl.offline"));
    }
}
