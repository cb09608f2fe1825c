package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.Weights;
import org.segearth.spi.config.PhiConfig;
import org.segearth.spi.nn.LayerNorm;

/**
 * {@code PhiModel}: {@code embed_tokens}, the decoder layers and {@code final_layernorm}
 * (keys below {@code model.}).
 */
public final class PhiModel {

    private final PhiEmbedding embedTokens;
    private final List<PhiDecoderLayer> layers;
    private final LayerNorm finalLayernorm; // [hidden]
    private final PhiRotaryEmbedding rotary;

    private PhiModel(PhiEmbedding embedTokens, List<PhiDecoderLayer> layers, LayerNorm finalLayernorm,
            PhiRotaryEmbedding rotary) {
        this.embedTokens = embedTokens;
        this.layers = List.copyOf(layers);
        this.finalLayernorm = finalLayernorm;
        this.rotary = rotary;
    }

    /** Loads the decoder from {@code w} scoped to {@code model}. */
    public static PhiModel load(Weights w, PhiConfig c, NDManager owner) {
        PhiEmbedding embed = PhiEmbedding.load(w, "embed_tokens", c.hiddenSize(), owner);
        List<PhiDecoderLayer> layers = new ArrayList<>();
        for (int i = 0; i < c.numHiddenLayers(); i++) {
            layers.add(PhiDecoderLayer.load(w.prefix("layers." + i), c, owner));
        }
        LayerNorm last = LayerNorm.load(w, "final_layernorm", c.hiddenSize(), c.layerNormEps()).attach(owner);
        return new PhiModel(embed, layers, last, new PhiRotaryEmbedding(c.rotaryDim(), c.headDim(), c.ropeTheta()));
    }

    public PhiEmbedding embedTokens() {
        return embedTokens;
    }

    public LayerNorm finalLayernorm() {
        return finalLayernorm;
    }

    public List<PhiDecoderLayer> layers() {
        return layers;
    }

    /** What the decoder returns: final-layernorm states, captured attentions and per-layer states. */
    public record Output(NDArray lastHiddenState, List<NDArray> attentions, List<NDArray> hiddenStates) {}

    /**
     * Runs the decoder on {@code x} ({@code [batch, tokens, hidden]}); every array is created in
     * {@code x}'s manager.
     */
    public Output forward(NDArray x, PhiKvCache cache, AttentionCapture capture, boolean allHiddenStates) {
        NDManager manager = x.getManager();
        int tokens = (int) x.getShape().get(1);
        int past = cache == null ? 0 : cache.length();
        if (cache != null) {
            cache.reserve(past + tokens);
        }
        NDList cosSin = rotary.cosSin(past, tokens, manager);
        NDArray mask = tokens == 1 ? null : causalMask(past, tokens, manager);
        List<NDArray> attentions = new ArrayList<>();
        List<NDArray> hidden = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            if (allHiddenStates) {
                hidden.add(x);
            }
            // the layer's intermediates (attention scores, the MLP's activations) are freed when it ends
            try (NDManager scope = manager.newSubManager()) {
                scope.tempAttachAll(x);
                PhiAttention.Output out = layers.get(i).forward(x, rotary, cosSin.get(0), cosSin.get(1), mask, cache, i);
                x = out.hidden();
                x.attach(manager);
                if (capture != null) {
                    NDArray selected = select(out.probs(), capture);
                    selected.attach(manager);
                    attentions.add(selected);
                }
            }
        }
        if (cache != null) {
            cache.advance(tokens);
        }
        NDArray last = finalLayernorm.forward(x);
        if (allHiddenStates) {
            hidden.add(last);
        }
        return new Output(last, attentions, hidden);
    }

    /** Additive mask {@code [tokens, past + tokens]}: the lowest float above the diagonal, 0 elsewhere. */
    static NDArray causalMask(int past, int tokens, NDManager manager) {
        int keys = past + tokens;
        float[] values = new float[tokens * keys];
        for (int i = 0; i < tokens; i++) {
            for (int j = past + i + 1; j < keys; j++) {
                values[i * keys + j] = -Float.MAX_VALUE;
            }
        }
        return manager.create(values, new Shape(tokens, keys));
    }

    private static NDArray select(NDArray probs, AttentionCapture capture) {
        NDArray out = probs;
        int[] rows = capture.rows();
        if (rows != null) {
            out = out.get(new NDIndex(":, :, {}", index(rows, probs.getManager())));
        }
        int[] columns = capture.columns();
        if (columns != null) {
            out = out.get(new NDIndex(":, :, :, {}", index(columns, probs.getManager())));
        }
        return out;
    }

    private static NDArray index(int[] values, NDManager manager) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        // a native copy: arrays made from Java memory alias a buffer that is freed once the forward's scope
        // closes, while autograd keeps the index for the backward pass
        try (NDArray fromJava = manager.create(longs)) {
            return fromJava.duplicate();
        }
    }
}
