package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SiglipVisionConfig;

/** HF {@code SiglipEncoder}: the stack of encoder layers. */
public final class SiglipEncoder {

    private final List<SiglipEncoderLayer> layers;

    /**
     * Loads the first {@code count} layers of {@code encoder.layers.*} from the tower view {@code w}
     * (fewer than the config's when later layers are not needed).
     */
    public SiglipEncoder(Weights w, SiglipVisionConfig c, int count) {
        List<SiglipEncoderLayer> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new SiglipEncoderLayer(w.prefix("encoder.layers." + i), c));
        }
        layers = List.copyOf(list);
    }

    /** Number of loaded layers. */
    public int size() {
        return layers.size();
    }

    /**
     * Runs the layers on {@code embeddings}; returns every hidden state: index 0 the input, index i
     * the output of layer i.
     */
    public List<NDArray> forward(NDArray embeddings) {
        List<NDArray> states = new ArrayList<>(layers.size() + 1);
        states.add(embeddings);
        NDArray h = embeddings;
        for (SiglipEncoderLayer layer : layers) {
            h = layer.forward(h);
            states.add(h);
        }
        return states;
    }
}
