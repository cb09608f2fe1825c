package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.segearth.runtime.checkpoint.TensorInfo;
import org.segearth.runtime.checkpoint.TorchZipFile;

/** A fuzzed PyTorch zip checkpoint ({@code pytorch_model.bin}): zip directory, pickle, every tensor read. */
class TorchZipFuzzTest {

    private static Path dir;

    @BeforeAll
    static void createDir() {
        dir = Fuzz.tempDir("segearth-fuzz-torchzip");
    }

    @AfterAll
    static void deleteDir() {
        Fuzz.delete(dir);
    }

    @FuzzTest
    void open(byte[] bytes) {
        Path file = dir.resolve("pytorch_model.bin");
        Fuzz.write(file, bytes);
        Fuzz.expectParsedOrRefused(() -> {
            try (TorchZipFile f = TorchZipFile.open(file)) {
                for (TensorInfo t : f.tensors().values()) {
                    f.read(t, 0, java.nio.ByteBuffer.allocate((int) t.byteLength()));
                }
            }
        });
    }
}
