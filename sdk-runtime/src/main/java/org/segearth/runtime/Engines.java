package org.segearth.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.sun.jna.NativeLibrary;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.segearth.api.SegEarthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that starts DJL. Before DJL's first use it applies the settings the command line
 * runs with ({@link #DEFAULTS}: {@code ai.djl.offline=true}, without which DJL calls out to the
 * network at start, and {@code ai.djl.pytorch.graph_optimizer=false}), each unless the user set
 * the property explicitly, so a library user needs no JVM flags; it picks the PyTorch engine whose natives ship in
 * {@code ai.djl.pytorch:pytorch-native-cpu}. Once the engine runs, PyTorch's own C++ warnings
 * (such as {@code Could not initialize NNPACK! Reason: Unsupported hardware}, printed on every
 * process on CPUs without AVX2-era extensions and in the middle of progress bars) are limited to
 * errors, unless the environment sets {@code TORCH_CPP_LOG_LEVEL}.
 */
public final class Engines {

    /** The libtorch version the PyTorch engine of this build runs on. */
    public static final String PYTORCH_NATIVES_VERSION = "2.7.1";

    /** Name of DJL's PyTorch engine. */
    public static final String PYTORCH = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

    /**
     * The engine settings the SDK applies before DJL starts, each unless the JVM already sets it:
     * offline mode, and PyTorch's TorchScript graph optimizer off (the SDK runs no TorchScript; it
     * matters to training, and DJL logs a notice at every start while it is on).
     */
    public static final Map<String, String> DEFAULTS = Map.of(
            "ai.djl.offline", "true",
            "ai.djl.pytorch.graph_optimizer", "false");

    static {
        applyDefaults(System.getProperties());
        if (!hasNvidiaDriver()) {
            quietCudaProbe();
        }
    }

    /** c10's level for errors; warnings are 1. */
    private static final int C10_ERROR = 2;
    private static volatile boolean quieted;

    private Engines() {}

    /** Sets each of {@link #DEFAULTS} that {@code properties} lacks. */
    static void applyDefaults(Properties properties) {
        DEFAULTS.forEach(properties::putIfAbsent);
    }

    /** Makes sure the {@link #DEFAULTS} are set; call before anything touches DJL. */
    public static void init() {
        // the static initializer does the work
    }

    /** The PyTorch engine. */
    public static Engine pytorch() {
        try {
            Engine engine = Engine.getEngine(PYTORCH);
            quietNativeWarnings();
            return engine;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new SegEarthException("the PyTorch engine could not start: " + e.getMessage()
                    + "; add ai.djl.pytorch:pytorch-engine and ai.djl.pytorch:pytorch-native-cpu:"
                    + PYTORCH_NATIVES_VERSION + " with the classifier of this platform (" + SdkInfo.platform()
                    + "), or point PYTORCH_LIBRARY_PATH at a libtorch " + PYTORCH_NATIVES_VERSION + " installation", e);
        }
    }

    /** Whether an NVIDIA kernel driver is loaded (Linux); elsewhere assumed present. */
    static boolean hasNvidiaDriver() {
        Path proc = Path.of("/proc");
        return !Files.isDirectory(proc) || Files.exists(proc.resolve("driver/nvidia"));
    }

    /**
     * Without a driver, DJL's CUDA probe warns "Failed to detect GPU count: CUDA driver version is
     * insufficient" twice per process wherever a CUDA runtime library is installed; there is no
     * GPU to detect, so its logging (a private switch of {@code ai.djl.util.cuda.CudaUtils}) is
     * turned off. With a driver the warnings stay: they then explain a broken installation.
     */
    private static void quietCudaProbe() {
        try {
            Field logging = Class.forName("ai.djl.util.cuda.CudaUtils").getDeclaredField("logging");
            logging.setAccessible(true);
            logging.setBoolean(null, false);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("cannot quiet DJL's CUDA probe: {}", e.toString());
        }
    }

    /** Sets c10's log level (the variable {@code FLAGS_caffe2_log_level} of libc10) to errors. */
    private static void quietNativeWarnings() {
        if (quieted) {
            return;
        }
        quieted = true;
        if (System.getenv("TORCH_CPP_LOG_LEVEL") != null) {
            return;
        }
        SdkInfo.loadedLibrary("libc10.").or(() -> SdkInfo.loadedLibrary("libc10-")).ifPresent(lib -> {
            try {
                NativeLibrary.getInstance(lib.toString()).getGlobalVariableAddress("FLAGS_caffe2_log_level")
                        .setInt(0, C10_ERROR);
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                LOG.debug("cannot lower PyTorch's log level in {}: {}", lib, e.getMessage());
            }
        });
    }

    /** A new root manager on the PyTorch engine's default device. */
    public static NDManager newManager() {
        return pytorch().newBaseManager();
    }
}
