package org.segearth.spi;

/** Creates {@link VisionEncoder}s; registered through {@link java.util.ServiceLoader}. */
public interface VisionEncoderProvider extends Provider {

    /** Builds the encoder from the checkpoint in {@code context}. */
    VisionEncoder create(ComponentContext context);
}
