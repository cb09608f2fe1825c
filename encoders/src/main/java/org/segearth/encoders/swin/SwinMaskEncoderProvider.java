package org.segearth.encoders.swin;

import org.segearth.spi.ComponentContext;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.SwinConfig;

/**
 * The {@code swin} mask encoder: a {@link SwinBackbone} read from a Mask2Former checkpoint (its
 * {@code backbone_config} and {@code model.pixel_level_module.encoder.*}) or from a bare Swin one.
 */
public final class SwinMaskEncoderProvider implements MaskEncoderProvider {

    @Override
    public String name() {
        return "swin";
    }

    @Override
    public MaskEncoder create(ComponentContext context) {
        JsonConfig c = context.config();
        SwinConfig config = SwinConfig.from(c.has("backbone_config") ? c.object("backbone_config") : c);
        return new SwinBackbone(SwinBackbone.locate(context.weights()), config);
    }
}
