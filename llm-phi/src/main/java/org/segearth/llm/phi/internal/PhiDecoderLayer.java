package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.nn.LayerNorm;

/**
 * {@code PhiDecoderLayer}: one input layernorm feeds attention and the MLP in parallel; the
 * layer returns {@code attention + mlp + residual}.
 */
public final class PhiDecoderLayer {

    private final LayerNorm inputLayernorm; // [hidden]
    private final PhiAttention selfAttn;
    private final PhiMlp mlp;

    private PhiDecoderLayer(LayerNorm inputLayernorm, PhiAttention selfAttn, PhiMlp mlp) {
        this.inputLayernorm = inputLayernorm;
        this.selfAttn = selfAttn;
        this.mlp = mlp;
    }

    /** Loads {@code input_layernorm}, {@code self_attn.*} and {@code mlp.*} below {@code w}. */
    public static PhiDecoderLayer load(Weights w, PhiConfig c, NDManager owner) {
        return new PhiDecoderLayer(
                LayerNorm.load(w, "input_layernorm", c.hiddenSize(), c.layerNormEps()).attach(owner),
                PhiAttention.load(w.prefix("self_attn"), c, owner),
                PhiMlp.load(w.prefix("mlp"), c, owner));
    }

    public LayerNorm inputLayernorm() {
        return inputLayernorm;
    }

    /** The layer's linear modules (LoRA targets). */
    public List<Linear> linears() {
        List<Linear> out = new ArrayList<>(selfAttn.linears());
        out.addAll(mlp.linears());
        return out;
    }

    /** The layer output {@code [batch, tokens, hidden]} and its attention probabilities. */
    public PhiAttention.Output forward(NDArray x, PhiRotaryEmbedding rotary, NDArray cos, NDArray sin, NDArray mask,
            PhiKvCache cache, int layer) {
        NDArray normed = inputLayernorm.forward(x);
        PhiAttention.Output attn = selfAttn.forward(normed, rotary, cos, sin, mask, cache, layer);
        NDArray feedForward = mlp.forward(normed);
        return new PhiAttention.Output(attn.hidden().add(feedForward).add(x), attn.probs());
    }
}
