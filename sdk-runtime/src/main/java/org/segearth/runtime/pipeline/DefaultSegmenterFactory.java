package org.segearth.runtime.pipeline;

import org.segearth.spi.nn.Precision;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import org.segearth.runtime.pipeline.internal.DemoModel;
import org.segearth.spi.SegmenterFactory;

/**
 * Builds {@link DefaultSegmenter}s for {@code Segmenter.builder().build()}: the model package the
 * settings name (or the embedded demo model), the LoRA adapter merged for inference.
 */
public final class DefaultSegmenterFactory implements SegmenterFactory {

    @Override
    public Segmenter create(SegmenterBuilder.Settings settings) {
        ModelPackage pkg = settings.model().map(ModelPackage::open).orElseGet(DemoModel::open);
        if (pkg.tokenizer().isEmpty()) {
            // a segmenter reads text instructions: say so before any weight is read
            throw SegEarthModel.missingTokenizer(pkg);
        }
        ModelOptions options = new ModelOptions(settings.head().orElse(null), settings.device(), settings.engine(),
                settings.threads(), true, Precision.parse(settings.precision()));
        return new DefaultSegmenter(SegEarthModel.load(pkg, options), settings);
    }
}
