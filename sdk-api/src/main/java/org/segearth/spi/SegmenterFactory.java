package org.segearth.spi;

import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;

/**
 * Builds {@link Segmenter}s from builder settings; {@code segearth-runtime} registers the
 * implementation through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * public final class DefaultSegmenterFactory implements SegmenterFactory {
 *     public Segmenter create(SegmenterBuilder.Settings settings) {
 *         ModelPackage pkg = settings.model().map(ModelPackage::open).orElseGet(DemoModel::open);
 *         ModelOptions options = new ModelOptions(settings.head().orElse(null), settings.device(),
 *                 settings.engine(), settings.threads(), true);
 *         return new DefaultSegmenter(SegEarthModel.load(pkg, options), settings);
 *     }
 * }
 *
 * // registered in META-INF/services/org.segearth.spi.SegmenterFactory; used by
 * Segmenter segmenter = Segmenter.builder().model(Path.of("segearth-r2")).build();
 * }</pre>
 */
public interface SegmenterFactory {

    /** Loads the model the settings name and returns a ready segmenter. */
    Segmenter create(SegmenterBuilder.Settings settings);
}
