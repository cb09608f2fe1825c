package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Small functional pieces shared by the SAM modules. */
final class Ops {

    private Ops() {}

    /** Exact (erf) GELU, {@code nn.GELU()} and {@code ACT2FN["gelu"]}. */
    static NDArray gelu(NDArray x) {
        return x.getNDArrayInternal().gelu();
    }

    static NDArray relu(NDArray x) {
        return x.getNDArrayInternal().relu();
    }

    /** The activation named by a config's {@code hidden_act}. */
    static NDArray activation(String name, NDArray x) {
        return switch (name) {
            case "gelu" -> gelu(x);
            case "relu" -> relu(x);
            default -> throw new org.segearth.api.SegEarthException("hidden_act '" + name
                    + "' is not supported by the SAM modules; expected 'gelu' or 'relu'");
        };
    }

    /** {@code nn.Conv2d}; {@code bias} may be null. */
    static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return x.getNDArrayInternal().convolution(x, weight, bias, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }

}
