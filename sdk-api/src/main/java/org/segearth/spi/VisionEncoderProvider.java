package org.segearth.spi;

/**
 * Creates {@link VisionEncoder}s; registered through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * public final class SiglipVisionEncoderProvider implements VisionEncoderProvider {
 *     public String name() {
 *         return "siglip";
 *     }
 *
 *     public VisionEncoder create(ComponentContext context) {
 *         return SiglipVisionEncoders.create(context);
 *     }
 * }
 *
 * // found by name through META-INF/services/org.segearth.spi.VisionEncoderProvider
 * VisionEncoder vision = new ProviderRegistry().find(VisionEncoderProvider.class, "siglip").create(context);
 * }</pre>
 */
public interface VisionEncoderProvider extends Provider {

    /** Builds the encoder from the checkpoint in {@code context}. */
    VisionEncoder create(ComponentContext context);
}
