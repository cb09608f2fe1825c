package org.segearth.spi;

import java.util.List;
import org.segearth.api.SegEarthException;

/**
 * What a mask encoder produces and a segmentation head consumes: channels and stride per level,
 * finest first. Checked when a pipeline is assembled.
 *
 * <pre>{@code
 * FeatureSpec swinB = new FeatureSpec(List.of(new FeatureSpec.Level(128, 4), new FeatureSpec.Level(256, 8),
 *         new FeatureSpec.Level(512, 16), new FeatureSpec.Level(1024, 32)));
 * // when a pipeline is assembled: the head's needs against the encoder's outputs
 * head.inputSpec().requireSatisfiedBy(encoder.outputSpec(), "swin", "mask2former");
 * }</pre>
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
