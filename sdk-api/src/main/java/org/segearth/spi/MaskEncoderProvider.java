package org.segearth.spi;

/**
 * Creates {@link MaskEncoder}s; registered through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * public final class SwinMaskEncoderProvider implements MaskEncoderProvider {
 *     public String name() {
 *         return "swin";
 *     }
 *
 *     public MaskEncoder create(ComponentContext context) {
 *         JsonConfig c = context.config();
 *         SwinConfig config = SwinConfig.from(c.has("backbone_config") ? c.object("backbone_config") : c);
 *         return new SwinBackbone(SwinBackbone.locate(context.weights()), config);
 *     }
 * }
 *
 * // found by name through META-INF/services/org.segearth.spi.MaskEncoderProvider
 * MaskEncoder encoder = new ProviderRegistry().find(MaskEncoderProvider.class, "swin").create(context);
 * }</pre>
 */
public interface MaskEncoderProvider extends Provider {

    /** Builds the encoder from the checkpoint in {@code context}. */
    MaskEncoder create(ComponentContext context);
}
