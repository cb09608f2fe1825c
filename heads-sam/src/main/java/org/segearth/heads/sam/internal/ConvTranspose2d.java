package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

/**
 * {@code nn.ConvTranspose2d} with {@code stride == kernel_size} and no padding (SAM's 2x mask
 * upscaling). The kernels do not overlap, so it is one matmul over the input channels followed by
 * a pixel-shuffle; DJL's PyTorch engine has no transposed convolution.
 */
public final class ConvTranspose2d {

    private final NDArray weight; // [in, out * k * k] (checkpoint [in, out, k, k])
    private final NDArray bias; // [out, 1, 1]
    private final long out;
    private final long kernel;

    private ConvTranspose2d(NDArray weight, NDArray bias) {
        long[] s = weight.getShape().getShape();
        this.out = s[1];
        this.kernel = s[2];
        this.weight = weight.reshape(s[0], s[1] * s[2] * s[3]);
        this.bias = bias.reshape(out, 1, 1);
    }

    /** Loads {@code name.weight} {@code [in, out, k, k]} and {@code name.bias} {@code [out]}. */
    public static ConvTranspose2d load(Weights w, String name, long in, long out, int kernel, int stride) {
        if (kernel != stride) {
            throw new SegEarthException("transposed convolution " + name + " has kernel " + kernel + " and stride "
                    + stride + "; only kernel == stride is supported");
        }
        Weights p = w.prefix(name);
        return new ConvTranspose2d(p.get("weight", in, out, kernel, kernel), p.get("bias", out));
    }

    /** {@code [N, in, h, w]} -> {@code [N, out, h*k, w*k]}. */
    public NDArray forward(NDArray x) {
        long[] s = x.getShape().getShape();
        long n = s[0];
        long h = s[2];
        long w = s[3];
        NDArray cells = x.transpose(0, 2, 3, 1).matMul(weight); // [N, h, w, out*k*k]
        return cells.reshape(n, h, w, out, kernel, kernel).transpose(0, 3, 1, 4, 2, 5)
                .reshape(n, out, h * kernel, w * kernel).add(bias);
    }
}
