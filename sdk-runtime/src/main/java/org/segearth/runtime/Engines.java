package org.segearth.runtime;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import org.segearth.api.SegEarthException;

/**
 * The one place that starts DJL. It sets {@code ai.djl.offline=true} before DJL's first use
 * (without it DJL calls out to the network at start) unless the user set the property
 * explicitly, and picks the PyTorch engine whose natives ship in
 * {@code ai.djl.pytorch:pytorch-native-cpu}.
 */
public final class Engines {

    /** Name of DJL's PyTorch engine. */
    public static final String PYTORCH = "PyTorch";

    static {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
    }

    private Engines() {}

    /** Makes sure the offline property is set; call before anything touches DJL. */
    public static void init() {
        // the static initializer does the work
    }

    /** The PyTorch engine. */
    public static Engine pytorch() {
        try {
            return Engine.getEngine(PYTORCH);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new SegEarthException("the PyTorch engine could not start: " + e.getMessage()
                    + "; add ai.djl.pytorch:pytorch-engine and ai.djl.pytorch:pytorch-native-cpu"
                    + " (classifier linux-x86_64) or a CUDA build to the class path", e);
        }
    }

    /** A new root manager on the PyTorch engine's default device. */
    public static NDManager newManager() {
        return pytorch().newBaseManager();
    }
}
