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
 * @param attentions per layer, the attention probabilities of the same tokens' rows at the key
 *     positions asked for ({@code [1, heads, hiddenStates, columns]}); empty when not asked for or
 *     when no such token was generated
 */
public record Generation(long[] ids, boolean stoppedAtEos, List<NDArray> hiddenStates, int[] hiddenStateIndices,
        List<NDArray> attentions) implements AutoCloseable {

    public Generation {
        ids = ids.clone();
        hiddenStates = List.copyOf(hiddenStates);
        hiddenStateIndices = hiddenStateIndices.clone();
        attentions = List.copyOf(attentions);
    }

    /** A generation without captured attentions. */
    public Generation(long[] ids, boolean stoppedAtEos, List<NDArray> hiddenStates, int[] hiddenStateIndices) {
        this(ids, stoppedAtEos, hiddenStates, hiddenStateIndices, List.of());
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
        attentions.forEach(NDArray::close);
    }
}
