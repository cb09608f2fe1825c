package org.segearth.heads.mask2former;

import org.segearth.spi.ComponentContext;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.spi.config.Mask2FormerConfig;

/** The {@code mask2former} segmentation head, read from a Mask2Former checkpoint and config. */
public final class Mask2FormerHeadProvider implements SegmentationHeadProvider {

    @Override
    public String name() {
        return "mask2former";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public SegmentationHead create(ComponentContext context) {
        return new Mask2FormerHead(context.weights(), Mask2FormerConfig.from(context.config()));
    }
}
