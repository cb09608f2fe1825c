package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.norm.Dropout;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.nn.LayerNorm;

/**
 * {@code PhiDecoderLayer}: one input layernorm feeds attention and the MLP in parallel; the
 * layer returns {@code attention + mlp + residual}. In training, each branch goes through its own
 * dropout at {@code resid_pdrop} before the sum, as transformers' {@code PhiDecoderLayer}
 * ({@code self.resid_dropout(attn_outputs)}, {@code self.resid_dropout(self.mlp(hidden_states))})
 * that the official code's {@code MiphaPhiModel} extends.
 */
public final class PhiDecoderLayer {

    private final LayerNorm inputLayernorm; // [hidden]
    private final PhiAttention selfAttn;
    private final PhiMlp mlp;
    private volatile float residDropout; // 0 outside training

    private PhiDecoderLayer(LayerNorm inputLayernorm, PhiAttention selfAttn, PhiMlp mlp) {
        this.inputLayernorm = inputLayernorm;
        this.selfAttn = selfAttn;
        this.mlp = mlp;
    }

    /** The residual dropout applied from now on ({@code resid_pdrop} in training, 0 otherwise). */
    public void setResidDropout(double rate) {
        this.residDropout = (float) rate;
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
        NDArray attnHidden = attn.hidden();
        float rate = residDropout;
        if (rate > 0) {
            attnHidden = Dropout.dropout(attnHidden, rate, true).singletonOrThrow();
            feedForward = Dropout.dropout(feedForward, rate, true).singletonOrThrow();
        }
        return new PhiAttention.Output(attnHidden.add(feedForward).add(x), attn.probs());
    }
}
