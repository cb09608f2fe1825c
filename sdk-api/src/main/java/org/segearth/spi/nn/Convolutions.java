package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * {@code F.conv2d} on {@code [B, C, H, W]} maps.
 *
 * <pre>{@code
 * NDArray weight = w.get("weight", out, in, 3, 3);     // [out, in, kH, kW]
 * NDArray bias = w.get("bias", out);
 * NDArray y = Convolutions.conv2d(x, weight, bias, 2, 1); // [B, in, H, W] -> [B, out, H / 2, W / 2]
 * }</pre>
 */
public final class Convolutions {

    private Convolutions() {}

    /**
     * {@code F.conv2d(x, weight, bias, stride, padding)} with square stride and symmetric zero
     * padding, dilation 1, one group; {@code bias} may be null.
     *
     * @param weight {@code [out, in, kH, kW]}
     */
    public static NDArray conv2d(NDArray x, NDArray weight, NDArray bias, int stride, int padding) {
        return x.getNDArrayInternal().convolution(x, weight, bias, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }
}
