package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SiglipVisionConfig;
import org.segearth.spi.nn.LayerNorm;
import org.segearth.spi.nn.Scoped;

/** HF {@code SiglipEncoderLayer}: pre-LN attention and pre-LN MLP, each with a residual. */
public final class SiglipEncoderLayer {

    private final NDArray layerNorm1Weight; // [hidden]
    private final NDArray layerNorm1Bias; // [hidden]
    private final SiglipAttention selfAttn;
    private final NDArray layerNorm2Weight; // [hidden]
    private final NDArray layerNorm2Bias; // [hidden]
    private final SiglipMLP mlp;
    private final double eps;

    /** Loads {@code encoder.layers.i.*} given as the view {@code w}. */
    public SiglipEncoderLayer(Weights w, SiglipVisionConfig c) {
        int h = c.hiddenSize();
        layerNorm1Weight = w.get("layer_norm1.weight", h);
        layerNorm1Bias = w.get("layer_norm1.bias", h);
        selfAttn = new SiglipAttention(w.prefix("self_attn"), c);
        layerNorm2Weight = w.get("layer_norm2.weight", h);
        layerNorm2Bias = w.get("layer_norm2.bias", h);
        mlp = new SiglipMLP(w.prefix("mlp"), h, c.intermediateSize(), c.hiddenAct());
        eps = c.layerNormEps();
    }

    /** {@code [B, L, hidden]} -> {@code [B, L, hidden]}; the layer's intermediates are freed on return. */
    public NDArray forward(NDArray x) {
        return Scoped.compute(() -> {
            NDArray h = x.add(selfAttn.forward(LayerNorm.apply(x, layerNorm1Weight, layerNorm1Bias, eps)));
            return h.add(mlp.forward(LayerNorm.apply(h, layerNorm2Weight, layerNorm2Bias, eps)));
        }, x);
    }
}
