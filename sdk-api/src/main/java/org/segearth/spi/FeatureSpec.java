package org.segearth.spi;

import java.util.List;
import org.segearth.api.SegEarthException;

/**
 * What a mask encoder produces and a segmentation head consumes: channels and stride per level,
 * finest first. Checked when a pipeline is assembled.
 *
 * @param levels the feature levels, finest first
 */
public record FeatureSpec(List<Level> levels) {

    /**
     * One feature map.
     *
     * @param channels number of channels
     * @param stride pixels of the input per feature cell
     */
    public record Level(int channels, int stride) {}

    public FeatureSpec {
        levels = List.copyOf(levels);
        if (levels.isEmpty()) {
            throw new SegEarthException("a feature spec needs at least one level");
        }
    }

    /**
     * Checks that {@code produced} (what an encoder gives) satisfies this spec (what a head needs).
     *
     * @throws SegEarthException naming both sides when they differ
     */
    public void requireSatisfiedBy(FeatureSpec produced, String encoder, String head) {
        if (!levels.equals(produced.levels)) {
            throw new SegEarthException("mask encoder '" + encoder + "' produces " + produced.levels
                    + " but segmentation head '" + head + "' expects " + levels
                    + "; use an encoder and a head built for the same channels and strides");
        }
    }
}
