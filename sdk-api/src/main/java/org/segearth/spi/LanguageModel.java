package org.segearth.spi;

import ai.djl.ndarray.NDArray;

/**
 * The reasoning language model (Phi-2 for SegEarth-R2). Inputs are token embeddings so that
 * image tokens can be spliced in; outputs are logits and final-layernorm hidden states.
 */
public interface LanguageModel extends AutoCloseable {

    /** Width of the hidden states. */
    int hiddenSize();

    /** Rows of the token embedding table (ids at or above it must never be produced). */
    int embeddingRows();

    /**
     * @param ids {@code [batch, length]} int64 token ids
     * @return {@code [batch, length, hiddenSize]} token embeddings
     */
    NDArray embed(NDArray ids);

    @Override
    void close();
}
