package org.segearth.spi;

/**
 * A component provider found through {@link java.util.ServiceLoader}. Providers are cheap and side
 * effect free: no static initialisation, native loads or I/O; the work happens in {@code create}.
 */
public interface Provider {

    /** The name users select the provider by, e.g. {@code "mask2former"}. */
    String name();

    /** Higher wins when no name is asked for. */
    default int priority() {
        return 0;
    }
}
