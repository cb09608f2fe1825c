package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.segearth.spi.config.JsonConfig;

/**
 * A reference dump opened for a {@link ParityCheck}: the dump folder holds {@code io.safetensors}
 * (inputs and expected outputs), {@code io.json} (shapes and notes) and the checkpoint
 * ({@code config.json} + {@code model.safetensors}, possibly in sub-folders).
 *
 * <pre>{@code
 * // inside ParityCheck.run(context)
 * JsonConfig json = context.config("");
 * Weights checkpoint = context.checkpoint("");
 * NDArray pixels = context.io().get("pixel_values");  // an input of io.safetensors
 * try (MaskEncoder encoder = new ProviderRegistry().find(MaskEncoderProvider.class, "swin")
 *         .create(new ComponentContext(context.directory(), json, checkpoint, Map.of()))) {
 *     List<NDArray> features = encoder.encode(pixels);
 *     context.compare("backbone_features_0", features.get(0), 2e-4, 1e-4);
 * }
 * }</pre>
 */
public interface ParityContext {

    /** The dump folder. */
    Path directory();

    /** The manager owning everything the check creates; closed after the check. */
    NDManager manager();

    /** The tensors of {@code io.safetensors}. */
    Weights io();

    /** The checkpoint in {@code sub} ("" for the dump folder itself); shards are followed. */
    Weights checkpoint(String sub);

    /** The {@code config.json} in {@code sub} ("" for the dump folder itself). */
    JsonConfig config(String sub);

    /**
     * Compares {@code actual} with the expected tensor {@code expected} of {@code io.safetensors}
     * like {@code numpy.allclose}: {@code |a - e| <= atol + rtol * |e|}.
     */
    void compare(String expected, NDArray actual, double atol, double rtol);

    /** Compares with an exact tolerance (integers, token ids, binary masks). */
    default void compareExact(String expected, NDArray actual) {
        compare(expected, actual, 0, 0);
    }

    /** Records a comparison of a scalar computed without tensors (e.g. a metric). */
    void compareScalar(String name, double actual, double expected, double atol, double rtol);
}
