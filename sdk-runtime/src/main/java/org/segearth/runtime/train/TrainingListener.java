package org.segearth.runtime.train;

import java.nio.file.Path;

/**
 * Receives a training run's events (for a progress bar or a log); called on the training thread.
 *
 * <pre>{@code
 * TrainingListener log = p -> LOG.info("{}", p);
 * }</pre>
 */
@FunctionalInterface
public interface TrainingListener {

    /** After every {@code logEvery}-th optimizer step. */
    void onStep(TrainingProgress progress);

    /** After a checkpoint was written (atomically) to {@code dir}. */
    default void onCheckpoint(int step, Path dir) {
    }

    /** Ignores every event. */
    TrainingListener NONE = p -> { };
}
