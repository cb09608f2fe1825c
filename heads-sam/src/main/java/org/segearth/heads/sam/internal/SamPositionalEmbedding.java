package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.Weights;

/**
 * {@code SamPositionalEmbedding}: random-Fourier features of 2-D coordinates,
 * {@code [sin(2 pi (2c - 1) G), cos(2 pi (2c - 1) G)]} with the Gaussian matrix G stored as
 * {@code shared_image_embedding.positional_embedding}.
 */
public final class SamPositionalEmbedding {

    private final NDArray positionalEmbedding; // [2, numPosFeats]

    public SamPositionalEmbedding(Weights w, int numPosFeats) {
        this.positionalEmbedding = w.get("positional_embedding", 2, numPosFeats);
    }

    /** Output channels: {@code 2 * numPosFeats}. */
    public long channels() {
        return 2 * positionalEmbedding.getShape().get(1);
    }

    /**
     * @param coords {@code [..., 2]} as (x, y)
     * @param inputHeight when positive, x is divided by {@code inputWidth} and y by this first
     * @return {@code [..., 2 * numPosFeats]}
     */
    public NDArray forward(NDArray coords, int inputHeight, int inputWidth) {
        NDArray c = coords;
        if (inputHeight > 0) {
            NDArray x = coords.get(new NDIndex("..., 0:1")).div((float) inputWidth);
            NDArray y = coords.get(new NDIndex("..., 1:2")).div((float) inputHeight);
            c = x.concat(y, -1);
        }
        NDArray projected = c.mul(2f).sub(1f).matMul(positionalEmbedding).mul(2 * Math.PI);
        return projected.sin().concat(projected.cos(), -1);
    }

    /** {@code get_image_wide_positional_embeddings}: {@code [1, channels, size, size]} in {@code manager}. */
    public NDArray imageWide(int size, NDManager manager) {
        float[] grid = new float[size * size * 2];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                grid[(y * size + x) * 2] = (x + 0.5f) / size;
                grid[(y * size + x) * 2 + 1] = (y + 0.5f) / size;
            }
        }
        NDArray coords = manager.create(grid, new Shape(size, size, 2));
        return forward(coords, 0, 0).transpose(2, 0, 1).expandDims(0);
    }

}
