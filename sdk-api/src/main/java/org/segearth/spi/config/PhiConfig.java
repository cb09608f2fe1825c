package org.segearth.spi.config;

import org.segearth.api.SegEarthException;

/**
 * Phi-2 (and Mipha-3B's language model) configuration with the Hugging Face field names. Reads
 * both the classic layout ({@code partial_rotary_factor}, {@code rope_theta} at the top) and the
 * newer one ({@code rope_parameters}).
 *
 * <pre>{@code
 * PhiConfig phi = PhiConfig.from(JsonConfig.read(dir.resolve("config.json"))); // or Configs.phi(dir)
 * int headDim = phi.headDim();                         // hidden_size / num_attention_heads
 * int rotaryDim = phi.rotaryDim();                     // partial_rotary_factor * headDim
 * PhiConfig small = PhiConfig.tiny();                  // for unit tests
 * }</pre>
 */
public record PhiConfig(
        int vocabSize,
        int lmHeadVocabSize,
        int hiddenSize,
        int intermediateSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        double partialRotaryFactor,
        double ropeTheta,
        String hiddenAct,
        double layerNormEps,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean qkLayernorm,
        int bosTokenId,
        int eosTokenId,
        double initializerRange,
        double residPdrop,
        double embdPdrop) {

    public PhiConfig {
        String n = "Phi config";
        Bounds.range(n, "vocab_size", vocabSize, 1, Bounds.MAX_VOCAB);
        Bounds.range(n, "lm_head_vocab_size", lmHeadVocabSize, 1, Bounds.MAX_VOCAB);
        Bounds.range(n, "hidden_size", hiddenSize, 1, Bounds.MAX_WIDTH);
        Bounds.range(n, "intermediate_size", intermediateSize, 1, Bounds.MAX_FFN);
        Bounds.range(n, "num_hidden_layers", numHiddenLayers, 1, Bounds.MAX_LAYERS);
        Bounds.range(n, "max_position_embeddings", maxPositionEmbeddings, 1, MAX_POSITIONS);
        Bounds.positive(n, "rope_theta", ropeTheta, 1e12);
        Bounds.positive(n, "layer_norm_eps", layerNormEps, 1);
        Bounds.range(n, "initializer_range", initializerRange, 0, 10);
        if (!(residPdrop >= 0 && residPdrop < 1) || !(embdPdrop >= 0 && embdPdrop < 1)) {
            throw new SegEarthException("Phi config: resid_pdrop " + residPdrop + " and embd_pdrop " + embdPdrop
                    + " must be in [0, 1)");
        }
        if (hiddenSize <= 0 || numAttentionHeads <= 0 || hiddenSize % numAttentionHeads != 0) {
            throw new SegEarthException("Phi config: hidden_size " + hiddenSize
                    + " must be a positive multiple of num_attention_heads " + numAttentionHeads);
        }
        if (numKeyValueHeads <= 0 || numAttentionHeads % numKeyValueHeads != 0) {
            throw new SegEarthException("Phi config: num_key_value_heads " + numKeyValueHeads
                    + " must divide num_attention_heads " + numAttentionHeads);
        }
        if (partialRotaryFactor <= 0 || partialRotaryFactor > 1) {
            throw new SegEarthException("Phi config: partial_rotary_factor " + partialRotaryFactor
                    + " must be in (0, 1]");
        }
        if (lmHeadVocabSize < vocabSize) {
            throw new SegEarthException("Phi config: lm_head_vocab_size " + lmHeadVocabSize
                    + " is smaller than vocab_size " + vocabSize);
        }
        Bounds.range(n, "bos_token_id", bosTokenId, 0, lmHeadVocabSize - 1);
        Bounds.range(n, "eos_token_id", eosTokenId, 0, lmHeadVocabSize - 1);
    }

    /** A configuration without dropout ({@code resid_pdrop} and {@code embd_pdrop} 0). */
    public PhiConfig(int vocabSize, int lmHeadVocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
            int numAttentionHeads, int numKeyValueHeads, double partialRotaryFactor, double ropeTheta, String hiddenAct,
            double layerNormEps, int maxPositionEmbeddings, boolean tieWordEmbeddings, boolean qkLayernorm,
            int bosTokenId, int eosTokenId, double initializerRange) {
        this(vocabSize, lmHeadVocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, partialRotaryFactor, ropeTheta, hiddenAct, layerNormEps, maxPositionEmbeddings,
                tieWordEmbeddings, qkLayernorm, bosTokenId, eosTokenId, initializerRange, 0, 0);
    }

    /** The longest context accepted ({@code max_position_embeddings}). */
    public static final int MAX_POSITIONS = 1 << 20;

    /** Reads a Phi or Mipha {@code config.json}. */
    public static PhiConfig from(JsonConfig c) {
        return Bounds.from(c, () -> read(c));
    }

    private static PhiConfig read(JsonConfig c) {
        double partial = c.getDouble("partial_rotary_factor", 0.5);
        double theta = c.getDouble("rope_theta", 10000.0);
        if (c.has("rope_parameters")) {
            JsonConfig rope = c.object("rope_parameters");
            partial = rope.getDouble("partial_rotary_factor", partial);
            theta = rope.getDouble("rope_theta", theta);
        }
        int heads = c.getInt("num_attention_heads");
        int vocab = c.getInt("vocab_size");
        return new PhiConfig(
                vocab,
                c.getInt("lm_head_vocab_size", vocab),
                c.getInt("hidden_size"),
                c.getInt("intermediate_size"),
                c.getInt("num_hidden_layers"),
                heads,
                c.getInt("num_key_value_heads", heads),
                partial,
                theta,
                c.getString("hidden_act", "gelu_new"),
                c.getDouble("layer_norm_eps", 1e-5),
                c.getInt("max_position_embeddings", 2048),
                c.getBoolean("tie_word_embeddings", false),
                c.getBoolean("qk_layernorm", false),
                c.getInt("bos_token_id", 1),
                c.getInt("eos_token_id", 2),
                c.getDouble("initializer_range", 0.02),
                c.getDouble("resid_pdrop", 0.0),
                c.getDouble("embd_pdrop", 0.0));
    }

    /** Width of one attention head. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Leading dimensions of each head that get rotary embeddings. */
    public int rotaryDim() {
        return (int) (headDim() * partialRotaryFactor);
    }

    /** A tiny configuration for tests. */
    public static PhiConfig tiny() {
        return new PhiConfig(64, 64, 32, 64, 2, 4, 4, 0.5, 10000.0, "gelu_new", 1e-5, 128, false, false, 1, 2, 0.02);
    }
}
