package org.segearth.encoders.swin.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

/**
 * HF {@code SwinEmbeddings}: pad the image to a multiple of the patch size, patch convolution
 * ({@code patch_embeddings.projection}), flatten to tokens, layer norm.
 */
public final class SwinEmbeddings {

    private final int patchSize;
    private final int numChannels;
    private final NDArray projectionWeight; // [embed, channels, patch, patch]
    private final NDArray projectionBias; // [embed]
    private final SwinOps.Norm norm; // [embed]

    /** @param w the view at {@code embeddings} */
    public SwinEmbeddings(Weights w, int numChannels, int patchSize, int embedDim, double eps) {
        this.patchSize = patchSize;
        this.numChannels = numChannels;
        projectionWeight = w.get("patch_embeddings.projection.weight", embedDim, numChannels, patchSize, patchSize);
        projectionBias = w.get("patch_embeddings.projection.bias", embedDim);
        norm = SwinOps.Norm.load(w.prefix("norm"), embedDim, eps);
    }

    /**
     * @param pixelValues {@code [batch, channels, H, W]}
     * @return the tokens {@code [batch, h * w, embed]} and their grid {h, w}
     */
    public Result forward(NDArray pixelValues) {
        Shape s = pixelValues.getShape();
        if (s.dimension() != 4 || s.get(1) != numChannels) {
            throw new SegEarthException("Swin: pixel values have shape " + s + ", expected [batch, " + numChannels
                    + ", H, W]; pass a normalised NCHW image batch");
        }
        NDArray x = pixelValues;
        x = SwinOps.padEnd(x, 3, (patchSize - s.get(3) % patchSize) % patchSize);
        x = SwinOps.padEnd(x, 2, (patchSize - s.get(2) % patchSize) % patchSize);
        NDArray conv = Conv2d.conv2d(x, projectionWeight, projectionBias, new Shape(patchSize, patchSize))
                .singletonOrThrow();
        Shape c = conv.getShape();
        int h = (int) c.get(2);
        int w = (int) c.get(3);
        NDArray tokens = conv.reshape(c.get(0), c.get(1), (long) h * w).transpose(0, 2, 1);
        return new Result(norm.apply(tokens), h, w);
    }

    /** Patch tokens and their grid. */
    public record Result(NDArray tokens, int height, int width) {}
}
