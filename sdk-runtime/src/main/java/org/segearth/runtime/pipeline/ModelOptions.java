package org.segearth.runtime.pipeline;

import org.segearth.api.InvalidInputException;
import org.segearth.spi.nn.Precision;

/**
 * How {@link SegEarthModel#load} assembles a model package.
 *
 * <pre>{@code
 * ModelOptions options = ModelOptions.defaults().withHead("sam");
 * }</pre>
 *
 * @param head the segmentation head provider, or null for the manifest's
 * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param engine {@code pytorch} (Java model code) or {@code onnx} for frozen encoders with ONNX exports
 * @param threads PyTorch intra-op threads (process-wide), 0 to leave the engine's choice
 * @param mergeAdapter whether the LoRA adapter is folded into the base weights (inference) or
 *     kept separate (training)
 * @param precision how weights stored in 16 bits are kept and multiplied ({@link Precision#AUTO} by default)
 */
public record ModelOptions(String head, String device, String engine, int threads, boolean mergeAdapter,
        Precision precision) {

    public ModelOptions {
        precision = precision == null ? Precision.AUTO : precision;
        device = device == null ? "cpu" : device;
        engine = engine == null ? "pytorch" : engine;
        if (!engine.equals("pytorch") && !engine.equals("onnx")) {
            throw new InvalidInputException("engine '" + engine + "' is unknown; use pytorch or onnx");
        }
    }

    /** The manifest's head, CPU, PyTorch, the engine's threads, adapter kept separate. */
    public static ModelOptions defaults() {
        return new ModelOptions(null, "cpu", "pytorch", 0, false, Precision.AUTO);
    }

    /** Options with the default precision. */
    public ModelOptions(String head, String device, String engine, int threads, boolean mergeAdapter) {
        this(head, device, engine, threads, mergeAdapter, Precision.AUTO);
    }

    /** These options with {@code p} as the precision. */
    public ModelOptions withPrecision(Precision p) {
        return new ModelOptions(head, device, engine, threads, mergeAdapter, p);
    }

    /** These options with the head {@code name}. */
    public ModelOptions withHead(String name) {
        return new ModelOptions(name, device, engine, threads, mergeAdapter, precision);
    }

    /** These options merging (or not) the adapter. */
    public ModelOptions withMergedAdapter(boolean merge) {
        return new ModelOptions(head, device, engine, threads, merge, precision);
    }
}
