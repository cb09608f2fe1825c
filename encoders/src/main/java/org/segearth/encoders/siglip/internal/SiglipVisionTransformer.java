package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SiglipVisionConfig;
import org.segearth.spi.nn.LayerNorm;

/**
 * HF {@code SiglipVisionTransformer}: embeddings, encoder, {@code post_layernorm} and, when its
 * weights are present and asked for, the attention-pooling head. As a {@link VisionTower} it
 * returns the hidden state {@code selectLayer} (negative counts from the end, -2 for Mipha).
 */
public final class SiglipVisionTransformer implements VisionTower {

    private final SiglipVisionConfig config;
    private final SiglipVisionEmbeddings embeddings;
    private final SiglipEncoder encoder;
    private final NDArray postLayernormWeight; // [hidden]
    private final NDArray postLayernormBias; // [hidden]
    private final SiglipMultiheadAttentionPoolingHead head; // null when not loaded
    private final int selectIndex;

    /**
     * Loads the tower from {@code root} (any layout {@link SiglipCheckpointLayout} knows).
     *
     * @param selectLayer the hidden state {@link #features} returns (-2: output of the last-but-one layer)
     * @param withHead whether to load the pooling head (needs {@code head.*} in the checkpoint)
     */
    public SiglipVisionTransformer(Weights root, SiglipVisionConfig config, int selectLayer, boolean withHead) {
        this.config = config;
        int layers = config.numHiddenLayers();
        selectIndex = selectLayer < 0 ? layers + 1 + selectLayer : selectLayer;
        if (selectIndex < 0 || selectIndex > layers) {
            throw new SegEarthException("mm_vision_select_layer " + selectLayer + " is outside the "
                    + (layers + 1) + " hidden states of a " + layers + "-layer SigLIP; use -1 .. -" + (layers + 1));
        }
        Weights w = SiglipCheckpointLayout.tower(root);
        embeddings = new SiglipVisionEmbeddings(w, config);
        encoder = new SiglipEncoder(w, config, layers);
        postLayernormWeight = w.get("post_layernorm.weight", config.hiddenSize());
        postLayernormBias = w.get("post_layernorm.bias", config.hiddenSize());
        head = withHead ? new SiglipMultiheadAttentionPoolingHead(w.prefix("head"), config) : null;
    }

    /** The configuration. */
    public SiglipVisionConfig config() {
        return config;
    }

    /** Runs the whole tower; all arrays stay in the manager of {@code pixelValues}. */
    public SiglipVisionOutput forward(NDArray pixelValues) {
        List<NDArray> states = encoder.forward(embeddings.forward(pixelValues));
        NDArray last = LayerNorm.apply(states.get(states.size() - 1), postLayernormWeight, postLayernormBias,
                config.layerNormEps());
        NDArray pooled = head == null ? null : head.forward(last);
        return new SiglipVisionOutput(states, last, pooled);
    }

    @Override
    public NDArray features(NDArray pixelValues) {
        NDManager parent = pixelValues.getManager();
        try (NDManager scratch = parent.newSubManager()) {
            NDArray x = pixelValues.duplicate();
            x.attach(scratch);
            NDArray selected = encoder.forward(embeddings.forward(x)).get(selectIndex);
            selected.attach(parent);
            return selected;
        }
    }

    @Override
    public void close() {
        // weights belong to the checkpoint's manager
    }
}
