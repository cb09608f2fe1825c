package org.segearth.api;

import java.util.Objects;
import java.util.Optional;

/**
 * One segmented target: the i-th {@code [SEG]} of the answer and its mask.
 *
 * <pre>{@code
 * for (Target t : result.targets()) {
 *     System.out.printf("%d %s score=%.2f area=%d box=%s%n", t.index(), t.phrase(), t.score(), t.area(), t.box());
 *     t.mask().writePng(Path.of("target-" + t.index() + ".png"));
 * }
 * }</pre>
 *
 * @param index position of the target's {@code [SEG]} among the answer's {@code [SEG]}s, from 0
 * @param phrase the answer text between the previous {@code [SEG]} (or the start) and this one, trimmed
 * @param mask the mask at the image's original size
 * @param score mean sigmoid of the mask logits inside the mask (0 for an empty mask), or the
 *     head's own quality score where it has one (SAM's IoU head)
 * @param attention the {@code [SEG]} -> image attention on the image grid, when asked for
 * @param logits the mask logits at the image size (the mask is {@code logits > 0}), when asked for
 *     with {@link SegmenterBuilder#maskLogits(boolean)}: what blending overlapping tiles needs
 */
public record Target(int index, String phrase, Mask mask, double score, Optional<Heatmap> attention,
        Optional<Heatmap> logits) {

    public Target {
        Objects.requireNonNull(phrase, "phrase");
        Objects.requireNonNull(mask, "mask");
        Objects.requireNonNull(attention, "attention");
        Objects.requireNonNull(logits, "logits");
        logits.ifPresent(l -> {
            if (l.width() != mask.width() || l.height() != mask.height()) {
                throw new IllegalArgumentException("logits " + l.width() + "x" + l.height() + " do not match the mask "
                        + mask.width() + "x" + mask.height());
            }
        });
    }

    /** A target without logits. */
    public Target(int index, String phrase, Mask mask, double score, Optional<Heatmap> attention) {
        this(index, phrase, mask, score, attention, Optional.empty());
    }

    /** Pixels in the mask. */
    public long area() {
        return mask.area();
    }

    /** The tightest box around the mask; empty for an empty mask. */
    public Optional<Box> box() {
        return mask.box();
    }
}
