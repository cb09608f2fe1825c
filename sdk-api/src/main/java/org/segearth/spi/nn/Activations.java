package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import org.segearth.api.SegEarthException;

/**
 * Element-wise activations, including the ones DJL's {@code NDArray} lacks, and the Hugging Face
 * {@code hidden_act} names mapped to them. Constants go through {@link Scalars}, so the results
 * can be differentiated.
 *
 * <pre>{@code
 * NDArray h = Activations.byName(config.hiddenAct(), fc1.forward(x)); // "gelu_pytorch_tanh": geluTanh
 * NDArray probabilities = Activations.sigmoid(maskLogits);
 * NDArray exact = Activations.geluErf(x);              // nn.GELU()
 * }</pre>
 */
public final class Activations {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private Activations() {}

    /** {@code 1 / (1 + exp(-x))}, the engine's (it keeps nothing from Java memory for autograd). */
    public static NDArray sigmoid(NDArray x) {
        return x.getNDArrayInternal().sigmoid();
    }

    /** {@code log(1 + x)} (not the precise form for tiny x). */
    public static NDArray log1p(NDArray x) {
        return x.add(1f).log();
    }

    /** {@code max(x, 0)}. */
    public static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }

    /** Exact GELU {@code 0.5 x (1 + erf(x / sqrt 2))}: {@code nn.GELU()}, {@code ACT2FN["gelu"]}. */
    public static NDArray geluErf(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    /**
     * GELU with the tanh approximation, {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}:
     * {@code gelu_new}, {@code gelu_pytorch_tanh}, torch {@code gelu(x, approximate="tanh")}.
     */
    public static NDArray geluTanh(NDArray x) {
        NDArray inner = Scalars.mul(x.add(Scalars.mul(Scalars.pow(x, 3), 0.044715f)), (float) SQRT_2_OVER_PI);
        return Scalars.mul(x, 0.5f).mul(inner.tanh().add(1f));
    }

    /**
     * The activation named by a Hugging Face {@code hidden_act}: {@code gelu} (erf),
     * {@code gelu_new} / {@code gelu_pytorch_tanh} / {@code gelu_fast} (tanh), {@code relu}.
     */
    public static NDArray byName(String name, NDArray x) {
        return switch (requireSupported(name)) {
            case "gelu" -> geluErf(x);
            case "relu" -> relu(x);
            default -> geluTanh(x);
        };
    }

    /** Returns {@code name} when {@link #byName} supports it, else explains what is supported. */
    public static String requireSupported(String name) {
        return switch (name) {
            case "gelu", "relu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast" -> name;
            default -> throw new SegEarthException("hidden_act '" + name + "' is not supported; expected one of "
                    + "gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu");
        };
    }
}
