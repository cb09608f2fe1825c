package org.segearth.spi;

/** Creates {@link SegmentationHead}s; registered through {@link java.util.ServiceLoader}. */
public interface SegmentationHeadProvider extends Provider {

    /** Builds the head from the checkpoint in {@code context}. */
    SegmentationHead create(ComponentContext context);
}
