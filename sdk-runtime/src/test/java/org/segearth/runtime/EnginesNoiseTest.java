package org.segearth.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.NativeLibrary;
import java.lang.reflect.Field;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** PyTorch's and DJL's warnings that mean nothing on a CPU machine are turned off. */
class EnginesNoiseTest {

    @Test
    void pytorchWarningsAreLimitedToErrors() {
        assumeTrue(System.getenv("TORCH_CPP_LOG_LEVEL") == null, "the environment sets TORCH_CPP_LOG_LEVEL");
        Engines.pytorch();
        Path c10 = SdkInfo.loadedLibrary("libc10.").orElseThrow();
        int level = NativeLibrary.getInstance(c10.toString()).getGlobalVariableAddress("FLAGS_caffe2_log_level").getInt(0);
        assertEquals(2, level, "c10 logs errors only (NNPACK's 'Unsupported hardware' warning is one level below)");
    }

    @Test
    void cudaProbeIsQuietWithoutADriver() throws ReflectiveOperationException {
        assumeFalse(Engines.hasNvidiaDriver(), "this machine has an NVIDIA driver: the probe's warnings stay");
        Engines.init();
        Field logging = Class.forName("ai.djl.util.cuda.CudaUtils").getDeclaredField("logging");
        logging.setAccessible(true);
        assertFalse(logging.getBoolean(null));
    }
}
