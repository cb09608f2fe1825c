package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import org.segearth.spi.VisionEncoder;

/** A {@link VisionTower} followed by the Mipha projector (or nothing when there is none). */
public final class ProjectedVisionEncoder implements VisionEncoder {

    private final VisionTower tower;
    private final MiphaProjector projector; // null: the tower's features are the output
    private final int imageSize;
    private final int numTokens;
    private final Map<String, NDArray> parameters; // by checkpoint key, live

    /** Combines {@code tower} and {@code projector} (nullable). */
    /**
     * @param parameters every weight the tower (Java engine) and the projector read, by checkpoint
     *     key: the live arrays, exposed for training
     */
    public ProjectedVisionEncoder(VisionTower tower, MiphaProjector projector, int imageSize, int numTokens,
            Map<String, NDArray> parameters) {
        this.parameters = java.util.Collections.unmodifiableMap(parameters);
        this.tower = tower;
        this.projector = projector;
        this.imageSize = imageSize;
        this.numTokens = numTokens;
    }

    @Override
    public int imageSize() {
        return imageSize;
    }

    @Override
    public int numTokens() {
        return numTokens;
    }

    /** The tower's features before the projector. */
    public NDArray features(NDArray pixelValues) {
        return tower.features(pixelValues);
    }

    @Override
    public NDArray encode(NDArray pixelValues) {
        NDArray features = tower.features(pixelValues);
        if (projector == null) {
            return features;
        }
        NDManager parent = pixelValues.getManager();
        try (NDManager scratch = parent.newSubManager()) {
            features.attach(scratch);
            NDArray out = projector.forward(features);
            out.attach(parent);
            return out;
        }
    }

    /**
     * The tower's and the projector's weights by checkpoint key. The tower runs every layer but
     * returns the hidden state of {@code mm_vision_select_layer}: the later layers and
     * {@code post_layernorm} are listed but get no gradient from the features.
     */
    @Override
    public Map<String, NDArray> parameters() {
        return parameters;
    }

    @Override
    public void close() {
        tower.close();
    }
}
