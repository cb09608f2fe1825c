package org.segearth.spi.config;

import org.segearth.api.SegEarthException;

/**
 * Mipha's {@code config.json}: the Phi language model plus {@code vision_config} with the
 * {@code vision_tower} (SigLIP) and the {@code mm_projector}.
 *
 * <pre>{@code
 * MiphaConfig mipha = MiphaConfig.from(JsonConfig.read(dir.resolve("config.json"))); // or Configs.mipha(dir)
 * PhiConfig phi = mipha.phi();
 * SiglipVisionConfig tower = mipha.vision();
 * String projector = mipha.projectorType();            // "mlp2x_gelu": Linear, GELU, Linear
 * }</pre>
 *
 * @param phi the language model
 * @param vision the SigLIP tower
 * @param selectLayer which hidden state feeds the projector ({@code mm_vision_select_layer}, -2)
 * @param selectFeature {@code "patch"} (all tokens; SigLIP has no CLS token)
 * @param projectorType {@code mm_projector_type}, e.g. {@code "mlp2x_gelu"} or {@code "linear"}
 * @param mmHiddenSize the projector's input width (the tower's width)
 */
public record MiphaConfig(
        PhiConfig phi,
        SiglipVisionConfig vision,
        int selectLayer,
        String selectFeature,
        String projectorType,
        int mmHiddenSize) {

    public MiphaConfig {
        Bounds.range("Mipha config", "mm_vision_select_layer", selectLayer, -(vision.numHiddenLayers() + 1),
                vision.numHiddenLayers());
        if (mmHiddenSize != vision.hiddenSize()) {
            throw new SegEarthException("Mipha config: mm_projector.mm_hidden_size " + mmHiddenSize
                    + " differs from vision_tower.hidden_size " + vision.hiddenSize());
        }
    }

    /** Reads a Mipha {@code config.json}. */
    public static MiphaConfig from(JsonConfig c) {
        JsonConfig visionConfig = c.object("vision_config");
        JsonConfig tower = visionConfig.object("vision_tower");
        JsonConfig projector = visionConfig.object("mm_projector");
        SiglipVisionConfig vision = SiglipVisionConfig.from(tower);
        PhiConfig phi = PhiConfig.from(c);
        return Bounds.from(tower, () -> new MiphaConfig(
                phi,
                vision,
                tower.getInt("mm_vision_select_layer", -2),
                tower.getString("mm_vision_select_feature", "patch"),
                projector.getString("mm_projector_type", "mlp2x_gelu"),
                projector.getInt("mm_hidden_size", vision.hiddenSize())));
    }
}
