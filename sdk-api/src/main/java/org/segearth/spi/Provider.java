package org.segearth.spi;

/**
 * A component provider found through {@link java.util.ServiceLoader}. Providers are cheap and side
 * effect free: no static initialisation, native loads or I/O; the work happens in {@code create}.
 *
 * <pre>{@code
 * ProviderRegistry registry = new ProviderRegistry();
 * List<SegmentationHeadProvider> heads = registry.all(SegmentationHeadProvider.class); // highest priority first
 * SegmentationHeadProvider best = registry.find(SegmentationHeadProvider.class, null); // no name: highest priority
 * SegmentationHeadProvider sam = registry.find(SegmentationHeadProvider.class, "sam"); // by name()
 * }</pre>
 */
public interface Provider {

    /** The name users select the provider by, e.g. {@code "mask2former"}. */
    String name();

    /** Higher wins when no name is asked for. */
    default int priority() {
        return 0;
    }
}
