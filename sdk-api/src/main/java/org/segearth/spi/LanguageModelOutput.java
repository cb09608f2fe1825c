package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The result of {@link LanguageModel#forward}. Arrays belong to the manager of the input
 * embeddings; {@link #close()} frees them early.
 *
 * <pre>{@code
 * try (LanguageModelOutput out = model.forward(embeds, null, ForwardOptions.DEFAULT.withHiddenStates(true))) {
 *     NDArray logits = out.logits();                  // [1, tokens, vocabSize()]
 *     NDArray hidden = out.lastHiddenState();         // [1, tokens, hiddenSize()]
 *     int states = out.hiddenStates().size();         // numLayers() + 1
 * }
 * }</pre>
 *
 * @param logits {@code [batch, tokens, vocab]} (or {@code [batch, 1, vocab]} for the last
 *     position only), null when not asked for; {@code vocab} is the lm_head width
 * @param lastHiddenState {@code [batch, tokens, hidden]} after the final layernorm
 * @param attentions per layer {@code [batch, heads, rows, columns]} softmax probabilities, empty
 *     unless asked for
 * @param hiddenStates layers + 1 entries of {@code [batch, tokens, hidden]}, empty unless asked for
 */
public record LanguageModelOutput(NDArray logits, NDArray lastHiddenState, List<NDArray> attentions,
        List<NDArray> hiddenStates) implements AutoCloseable {

    public LanguageModelOutput {
        attentions = List.copyOf(attentions);
        hiddenStates = List.copyOf(hiddenStates);
    }

    @Override
    public void close() {
        if (logits != null) {
            logits.close();
        }
        lastHiddenState.close();
        attentions.forEach(NDArray::close);
        hiddenStates.forEach(NDArray::close);
    }
}
