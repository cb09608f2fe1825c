package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.segearth.runtime.checkpoint.SafetensorsFile;
import org.segearth.runtime.checkpoint.TensorInfo;

/** A fuzzed safetensors file: header parsed, every tensor mapped. */
class SafetensorsFuzzTest {

    private static Path dir;

    @BeforeAll
    static void createDir() {
        dir = Fuzz.tempDir("segearth-fuzz-safetensors");
    }

    @AfterAll
    static void deleteDir() {
        Fuzz.delete(dir);
    }

    @FuzzTest
    void open(byte[] bytes) {
        Path file = dir.resolve("model.safetensors");
        Fuzz.write(file, bytes);
        Fuzz.expectParsedOrRefused(() -> {
            try (SafetensorsFile f = SafetensorsFile.open(file)) {
                f.metadata().size();
                for (TensorInfo t : f.tensors().values()) {
                    f.read(t, 0, java.nio.ByteBuffer.allocate((int) t.byteLength()));
                }
            }
        });
    }
}
