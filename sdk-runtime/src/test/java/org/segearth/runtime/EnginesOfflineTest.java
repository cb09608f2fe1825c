package org.segearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The SDK itself turns DJL's offline mode on: checked in a JVM started without the property. */
class EnginesOfflineTest {

    /** Started in a fresh JVM: starts the engine through the SDK and prints the property. */
    public static final class Probe {
        public static void main(String[] args) {
            try (var manager = Engines.newManager()) {
                System.out.println("offline=" + System.getProperty("ai.djl.offline") + " sum=" + manager.create(new float[] {1, 2}).sum().getFloat());
            }
        }
    }

    @Test
    void offlineIsSetBeforeDjlStarts() throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        assertEquals("offline=true sum=3.0", out);
    }
}
