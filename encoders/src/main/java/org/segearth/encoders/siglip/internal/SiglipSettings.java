package org.segearth.encoders.siglip.internal;

import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.MiphaConfig;
import org.segearth.spi.config.SiglipVisionConfig;

/**
 * What the global branch needs from a {@code config.json}: a Mipha config (tower in
 * {@code vision_config.vision_tower}, projector in {@code vision_config.mm_projector}) or a plain
 * SigLIP (vision) config, which has no projector and selects {@code hidden_states[-2]}.
 *
 * @param vision the tower
 * @param selectLayer {@code mm_vision_select_layer}
 * @param projectorType {@code mm_projector_type}, null without a projector
 * @param llmHidden the projector's output width, 0 without a projector
 */
public record SiglipSettings(SiglipVisionConfig vision, int selectLayer, String projectorType, int llmHidden) {

    /** Mipha's default feature layer. */
    public static final int DEFAULT_SELECT_LAYER = -2;

    /** Reads {@code c}. */
    public static SiglipSettings from(JsonConfig c) {
        boolean mipha = c.optObject("vision_config").map(v -> v.has("vision_tower")).orElse(false);
        if (mipha) {
            MiphaConfig m = MiphaConfig.from(c);
            int out = c.object("vision_config").object("mm_projector").getInt("hidden_size", m.phi().hiddenSize());
            return new SiglipSettings(m.vision(), m.selectLayer(), m.projectorType(), out);
        }
        return new SiglipSettings(SiglipVisionConfig.from(c), DEFAULT_SELECT_LAYER, null, 0);
    }

    /** Tokens per image at the configured size. */
    public int numTokens() {
        return vision.numPatches();
    }
}
