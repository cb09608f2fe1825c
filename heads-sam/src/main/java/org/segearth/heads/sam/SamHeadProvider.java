package org.segearth.heads.sam;

import org.segearth.heads.sam.internal.SamLayout;
import org.segearth.heads.sam.internal.SamModel;
import org.segearth.heads.sam.internal.SamSegmentationHead;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.spi.config.SamConfig;

/**
 * The segmentation head {@code sam}: a Hugging Face {@code SamModel} checkpoint's prompt encoder and
 * mask decoder, prompted with one projected [SEG] vector per target. Pair it with the mask encoder
 * {@code sam} ({@link SamMaskEncoderProvider}).
 *
 * <pre>{@code
 * SegmentationHead head = new SamHeadProvider().create(context);
 * HeadOutput out = head.predict(samEncoder.encode(pixelValues), queries); // queries [targets, 256]
 * }</pre>
 */
public final class SamHeadProvider implements SegmentationHeadProvider {

    /** The provider name. */
    public static final String NAME = "sam";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SegmentationHead create(ComponentContext context) {
        SamConfig config = SamConfig.from(context.config());
        return new SamSegmentationHead(new SamModel(SamLayout.root(context.weights()), config));
    }
}
