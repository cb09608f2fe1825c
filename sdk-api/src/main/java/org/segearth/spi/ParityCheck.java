package org.segearth.spi;

/**
 * Reproduces a reference dump with the SDK: loads the checkpoint of a dump folder, runs the
 * component on the dump's inputs and hands every output to {@link ParityContext#compare}.
 * Registered through {@link java.util.ServiceLoader}; used by {@code segearth parity} and by the
 * parity tests.
 */
public interface ParityCheck {

    /** The component name, which is also the dump folder's name (e.g. {@code "phi"}). */
    String component();

    /** Runs the component on the dump's inputs and compares its outputs. */
    void run(ParityContext context) throws Exception;
}
