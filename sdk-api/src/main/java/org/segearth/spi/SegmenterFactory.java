package org.segearth.spi;

import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;

/**
 * Builds {@link Segmenter}s from builder settings; {@code segearth-runtime} registers the
 * implementation through {@link java.util.ServiceLoader}.
 */
public interface SegmenterFactory {

    /** Loads the model the settings name and returns a ready segmenter. */
    Segmenter create(SegmenterBuilder.Settings settings);
}
