package org.segearth.runtime.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.segearth.api.SegmentationResult.Timing;

/**
 * Records the wall time of pipeline stages in order; one per call, not shared between threads.
 *
 * <pre>{@code
 * StageTimer timer = new StageTimer();
 * NDArray x = timer.time("vision_encoder", () -> encoder.encode(pixels));
 * timer.timings();   // [Timing[stage=vision_encoder, duration=PT0.1S]]
 * }</pre>
 */
public final class StageTimer {

    /** A timer that records nothing. */
    public static final StageTimer NONE = new StageTimer(false);

    private final boolean enabled;
    private final List<Timing> timings = new ArrayList<>();

    /** A recording timer. */
    public StageTimer() {
        this(true);
    }

    private StageTimer(boolean enabled) {
        this.enabled = enabled;
    }

    /** Runs {@code work} and records its time as {@code stage}. */
    public <T> T time(String stage, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            return work.get();
        } finally {
            record(stage, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    /** Records {@code duration} for {@code stage}. */
    public void record(String stage, Duration duration) {
        if (enabled) {
            timings.add(new Timing(stage, duration));
        }
    }

    /** The stages recorded so far, in order. */
    public List<Timing> timings() {
        return List.copyOf(timings);
    }
}
