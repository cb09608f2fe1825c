package org.segearth.spi;

/**
 * What a {@link LanguageModel#forward} computes besides the final-layernorm hidden states.
 *
 * <pre>{@code
 * ForwardOptions training = ForwardOptions.DEFAULT.withAttentions(AttentionCapture.slice(segRows, imageColumns));
 * ForwardOptions prefill = ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST);
 * }</pre>
 *
 * @param logits which positions get logits
 * @param attentions which attention probabilities to return, or null for none
 * @param hiddenStates whether to return the hidden states of every layer (embeddings first, the
 *     final-layernorm output last, as Hugging Face's {@code output_hidden_states})
 */
public record ForwardOptions(Logits logits, AttentionCapture attentions, boolean hiddenStates) {

    /** Logits at every position, no attentions, no per-layer hidden states. */
    public static final ForwardOptions DEFAULT = new ForwardOptions(Logits.ALL, null, false);

    /** Which positions get logits ({@code lm_head} over a long prompt is costly). */
    public enum Logits {
        /** Every position. */
        ALL,
        /** The last position only (generation). */
        LAST,
        /** None (hidden states only). */
        NONE
    }

    public ForwardOptions {
        if (logits == null) {
            logits = Logits.ALL;
        }
    }

    /** These options with {@code logits}. */
    public ForwardOptions withLogits(Logits which) {
        return new ForwardOptions(which, attentions, hiddenStates);
    }

    /** These options capturing {@code capture} (null for none). */
    public ForwardOptions withAttentions(AttentionCapture capture) {
        return new ForwardOptions(logits, capture, hiddenStates);
    }

    /** These options with per-layer hidden states. */
    public ForwardOptions withHiddenStates(boolean all) {
        return new ForwardOptions(logits, attentions, all);
    }
}
