package org.segearth.runtime.text;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What {@link Generator} produced. Arrays belong to the manager of the prompt embeddings;
 * {@link #close()} frees them early.
 *
 * @param ids the generated ids, without the stop token
 * @param stoppedAtEos whether generation ended at the stop token (else at the token limit)
 * @param hiddenStates the final-layernorm hidden state ({@code [hidden]}) of every generated token
 *     whose id the config asked for, in order
 * @param hiddenStateIndices for each hidden state, the index of its token in {@code ids}
 */
public record Generation(long[] ids, boolean stoppedAtEos, List<NDArray> hiddenStates, int[] hiddenStateIndices)
        implements AutoCloseable {

    public Generation {
        ids = ids.clone();
        hiddenStates = List.copyOf(hiddenStates);
        hiddenStateIndices = hiddenStateIndices.clone();
    }

    @Override
    public long[] ids() {
        return ids.clone();
    }

    @Override
    public int[] hiddenStateIndices() {
        return hiddenStateIndices.clone();
    }

    /** The generated text. */
    public String text(TextTokenizer tokenizer) {
        return tokenizer.decode(ids);
    }

    @Override
    public void close() {
        hiddenStates.forEach(NDArray::close);
    }
}
