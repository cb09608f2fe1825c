package org.segearth.api;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one {@code segment} call returns: the model's answer and one {@link Target} per
 * {@code [SEG]} in it. No target is an empty list, never a blank mask.
 *
 * <pre>{@code
 * // from the ManyInstructions sample: the second call on one image finds its features cached
 * for (String instruction : List.of("segment the water", "segment the roads")) {
 *     SegmentationResult r = segmenter.segment(ImageSource.of(Path.of("tile.jpg")), instruction);
 *     System.out.println(r.answer() + " -> " + r.targets().size() + " targets in " + r.total().toMillis() + " ms");
 *     r.timings().forEach(t -> System.out.println(t.stage() + " " + t.duration().toMillis() + " ms"));
 * }
 * }</pre>
 *
 * @param answer the answer text, with its {@code [SEG]} tokens
 * @param targets one per {@code [SEG]}, in order
 * @param width width of the segmented image
 * @param height height of the segmented image
 * @param timings time spent per pipeline stage, in order
 */
public record SegmentationResult(String answer, List<Target> targets, int width, int height, List<Timing> timings) {

    public SegmentationResult {
        Objects.requireNonNull(answer, "answer");
        targets = List.copyOf(targets);
        timings = List.copyOf(timings);
    }

    /** Whether the model found no target. */
    public boolean isEmpty() {
        return targets.isEmpty();
    }

    /** The sum of all stage timings. */
    public Duration total() {
        return timings.stream().map(Timing::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /**
     * Time spent in one stage of the pipeline.
     *
     * @param stage the stage, e.g. {@code "vision_encoder"}, {@code "generate"}, {@code "mask_head"}
     * @param duration wall time
     */
    public record Timing(String stage, Duration duration) {
        public Timing {
            Objects.requireNonNull(stage, "stage");
            Objects.requireNonNull(duration, "duration");
        }
    }
}
