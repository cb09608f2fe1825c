package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.spi.config.LoraConfig;

/**
 * The reasoning language model (Phi-2 for SegEarth-R2). Inputs are token embeddings so that
 * image tokens can be spliced in; outputs are logits and final-layernorm hidden states.
 *
 * <pre>{@code
 * NDArray embeds = model.embed(ids);                       // then splice image tokens in
 * try (KvCache cache = model.newCache(1, length + 128)) {
 *     LanguageModelOutput out = model.forward(embeds, cache, ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST));
 *     NDArray last = out.logits();                          // [1, 1, vocabSize()]
 * }
 * }</pre>
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

    /** Width of the logits ({@code lm_head} rows); may exceed {@link #embeddingRows()}. */
    default int vocabSize() {
        return embeddingRows();
    }

    /** The end-of-sequence token id of the model's config, or -1 when it has none. */
    default int eosTokenId() {
        return -1;
    }

    /** Number of decoder layers (one attention map per layer). */
    default int numLayers() {
        throw unsupported("numLayers");
    }

    /** A new, empty key/value cache for {@code batch} sequences of about {@code capacity} tokens. */
    default KvCache newCache(int batch, int capacity) {
        throw unsupported("newCache");
    }

    /**
     * Runs the decoder on {@code inputsEmbeds} ({@code [batch, tokens, hidden]}), at positions
     * following what {@code cache} holds (0.. without a cache), with causal attention; the cache,
     * when given, is extended by the new tokens.
     *
     * @param cache the cache to read and extend, or null to attend to the inputs only
     * @param options which logits, attentions and hidden states to return
     */
    default LanguageModelOutput forward(NDArray inputsEmbeds, KvCache cache, ForwardOptions options) {
        throw unsupported("forward");
    }

    /** {@link #forward(NDArray, KvCache, ForwardOptions)} without a cache, logits at every position. */
    default LanguageModelOutput forward(NDArray inputsEmbeds) {
        return forward(inputsEmbeds, null, ForwardOptions.DEFAULT);
    }

    /**
     * Applies a PEFT LoRA adapter: {@code adapter} holds its {@code adapter_model.safetensors}
     * (keys {@code base_model.model.<module>.lora_A/B.weight}). Unmerged adapters stay separate
     * (trainable); merged ones are folded into the base weights.
     */
    default void applyAdapter(LoraConfig config, Weights adapter, boolean merge) {
        throw unsupported("applyAdapter");
    }

    /** Creates a new, trainable adapter with PEFT's initialisation (A Kaiming-uniform, B zero). */
    default void createAdapter(LoraConfig config, long seed) {
        throw unsupported("createAdapter");
    }

    /**
     * The unmerged adapter's tensors under their PEFT keys ({@code base_model.model.<module>.lora_A.weight}),
     * live (attach gradients to train them); empty without an adapter.
     */
    default Map<String, NDArray> adapterTensors() {
        return Map.of();
    }

    /**
     * Switches training behaviour (the adapter's dropout) on or off; inference is the default.
     */
    default void setTraining(boolean training) {
        if (training) {
            throw unsupported("training");
        }
    }

    /**
     * {@link #setTraining(boolean)}, with or without the dropout the model's own config asks for
     * in training (Phi's {@code resid_pdrop} and {@code embd_pdrop}); {@code setTraining(true)}
     * applies it, as a Hugging Face model in {@code train()} mode does.
     */
    default void setTraining(boolean training, boolean modelDropout) {
        setTraining(training);
    }

    /**
     * The base weights under their checkpoint keys ({@code lm_head.weight}, {@code model.embed_tokens.weight}, ...),
     * live: gradients can be attached to train them and values written in place to load trained ones.
     */
    default Map<String, NDArray> parameters() {
        throw unsupported("parameters");
    }

    @Override
    void close();

    private SegEarthException unsupported(String what) {
        return new SegEarthException(getClass().getName() + " does not support " + what
                + "; use a language model provider that implements it (e.g. 'phi' from org.segearth:segearth-llm-phi)");
    }
}
