package org.segearth.spi;

import ai.djl.ndarray.NDArray;

/**
 * The global branch: preprocessed image in, image tokens in the language model's width out
 * (SigLIP + the Mipha projector for SegEarth-R2).
 */
public interface VisionEncoder extends AutoCloseable {

    /** The square input side in pixels (384 for SigLIP-so400m). */
    int imageSize();

    /** Image tokens per image (729 for SigLIP-so400m at 384). */
    int numTokens();

    /**
     * @param pixelValues {@code [batch, 3, imageSize, imageSize]}, normalised
     * @return {@code [batch, numTokens, llmHidden]} projected image tokens
     */
    NDArray encode(NDArray pixelValues);

    @Override
    void close();
}
