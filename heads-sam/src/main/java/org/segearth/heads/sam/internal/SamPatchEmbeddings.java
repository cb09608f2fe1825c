package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.Convolutions;

/** {@code SamPatchEmbeddings}: a stride-{@code patch} convolution, returned channels last. */
public final class SamPatchEmbeddings {

    private final NDArray projectionWeight; // [hidden, channels, patch, patch]
    private final NDArray projectionBias; // [hidden]
    private final int patchSize;
    private final int imageSize;
    private final int numChannels;

    public SamPatchEmbeddings(Weights w, SamConfig.Vision c) {
        Weights p = w.prefix("projection");
        this.projectionWeight = p.get("weight", c.hiddenSize(), c.numChannels(), c.patchSize(), c.patchSize());
        this.projectionBias = p.get("bias", c.hiddenSize());
        this.patchSize = c.patchSize();
        this.imageSize = c.imageSize();
        this.numChannels = c.numChannels();
    }

    /** {@code [batch, channels, imageSize, imageSize]} -> {@code [batch, grid, grid, hidden]}. */
    public NDArray forward(NDArray pixelValues) {
        long[] s = pixelValues.getShape().getShape();
        if (s.length != 4 || s[1] != numChannels || s[2] != imageSize || s[3] != imageSize) {
            throw new SegEarthException("SAM pixel values have shape " + pixelValues.getShape() + "; expected [batch, "
                    + numChannels + ", " + imageSize + ", " + imageSize
                    + "]; preprocess the image with SamImageProcessor (longest side to " + imageSize + ", padded)");
        }
        return Convolutions.conv2d(pixelValues, projectionWeight, projectionBias, patchSize, 0).transpose(0, 2, 3, 1);
    }
}
