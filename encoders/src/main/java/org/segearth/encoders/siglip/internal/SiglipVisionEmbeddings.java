package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SiglipVisionConfig;
import org.segearth.spi.nn.Convolutions;

/** HF {@code SiglipVisionEmbeddings}: non-overlapping patch convolution plus learned positions. */
public final class SiglipVisionEmbeddings {

    private final NDArray patchEmbeddingWeight; // [hidden, channels, patch, patch]
    private final NDArray patchEmbeddingBias; // [hidden]
    private final NDArray positionEmbeddingWeight; // [numPatches, hidden]
    private final int patchSize;
    private final int numChannels;

    /** Loads {@code embeddings.*} of the tower view {@code w}. */
    public SiglipVisionEmbeddings(Weights w, SiglipVisionConfig c) {
        Weights e = w.prefix("embeddings");
        int p = c.patchSize();
        patchEmbeddingWeight = e.get("patch_embedding.weight", c.hiddenSize(), c.numChannels(), p, p);
        patchEmbeddingBias = e.get("patch_embedding.bias", c.hiddenSize());
        positionEmbeddingWeight = e.get("position_embedding.weight", c.numPatches(), c.hiddenSize());
        patchSize = p;
        numChannels = c.numChannels();
    }

    /** {@code [B, C, H, W]} -> {@code [B, tokens, hidden]}. */
    public NDArray forward(NDArray pixelValues) {
        Shape s = pixelValues.getShape();
        if (s.dimension() != 4 || s.get(1) != numChannels || s.get(2) < patchSize || s.get(3) < patchSize) {
            throw new SegEarthException("SigLIP pixel_values have shape " + s + "; expected [batch, " + numChannels
                    + ", H, W] with H and W at least the patch size " + patchSize);
        }
        // the convolution (stride = patch, no padding) drops the rows and columns past the last whole patch
        long tokens = (s.get(2) / patchSize) * (s.get(3) / patchSize);
        long positions = positionEmbeddingWeight.getShape().get(0);
        if (tokens != positions) {
            throw new SegEarthException("SigLIP input " + s.get(2) + "x" + s.get(3) + " makes " + tokens
                    + " patches but the position table has " + positions + " rows; resize the image to the"
                    + " configured image_size");
        }
        // [B, hidden, gh, gw]
        NDArray patches = Convolutions.conv2d(pixelValues, patchEmbeddingWeight, patchEmbeddingBias, patchSize, 0);
        long b = s.get(0);
        NDArray tokensFirst = patches.reshape(b, patches.getShape().get(1), tokens).transpose(0, 2, 1);
        return tokensFirst.add(positionEmbeddingWeight);
    }
}
