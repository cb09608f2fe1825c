package org.segearth.spi;

/**
 * Creates {@link SegmentationHead}s; registered through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * public final class Mask2FormerHeadProvider implements SegmentationHeadProvider {
 *     public String name() {
 *         return "mask2former";
 *     }
 *
 *     public int priority() {
 *         return 10;                       // the default head when none is named
 *     }
 *
 *     public SegmentationHead create(ComponentContext context) {
 *         return new Mask2FormerHead(context.weights(), Mask2FormerConfig.from(context.config()));
 *     }
 * }
 *
 * // found through META-INF/services/org.segearth.spi.SegmentationHeadProvider
 * SegmentationHead head = new ProviderRegistry().find(SegmentationHeadProvider.class, "mask2former").create(context);
 * }</pre>
 */
public interface SegmentationHeadProvider extends Provider {

    /** Builds the head from the checkpoint in {@code context}. */
    SegmentationHead create(ComponentContext context);
}
