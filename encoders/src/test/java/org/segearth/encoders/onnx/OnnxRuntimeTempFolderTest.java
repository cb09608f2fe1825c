package org.segearth.encoders.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.spi.OnnxRuntimeEngine;

/**
 * ONNX Runtime extracts a library into an {@code onnxruntime-java*} folder of the temporary
 * directory and leaves the folder behind at exit; a process that starts the engine through
 * {@link OnnxRuntimeEngine#start()} leaves its temporary directory as it found it.
 */
class OnnxRuntimeTempFolderTest {

    /** Started in a child JVM: starts the engine and prints the folder ONNX Runtime extracted into. */
    public static void main(String[] args) {
        OnnxRuntimeEngine.start();
        Path folder = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        try (Stream<Path> s = Files.list(folder)) {
            s.forEach(p -> System.out.println("during: " + p.getFileName()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theExtractionFolderIsGoneAfterExit(@TempDir Path tmp) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp, "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), OnnxRuntimeTempFolderTest.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("during: onnxruntime-java"), "ONNX Runtime extracted nothing here: " + out);
        try (Stream<Path> s = Files.list(tmp)) {
            List<Path> left = s.toList();
            assertEquals(List.of(), left, "left in the temporary directory after exit");
        }
    }
}
