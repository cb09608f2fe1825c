package org.segearth.spi;

/** Creates {@link MaskEncoder}s; registered through {@link java.util.ServiceLoader}. */
public interface MaskEncoderProvider extends Provider {

    /** Builds the encoder from the checkpoint in {@code context}. */
    MaskEncoder create(ComponentContext context);
}
