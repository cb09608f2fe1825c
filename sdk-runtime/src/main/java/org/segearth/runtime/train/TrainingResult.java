package org.segearth.runtime.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What a {@link Trainer#run()} did.
 *
 * @param modelPackage the final package (null when the run stopped early on request)
 * @param startStep the step the run started from (0, or the resumed checkpoint's)
 * @param endStep the step it reached
 * @param stepLosses the mean loss terms of every step this run took, in order
 */
public record TrainingResult(Path modelPackage, int startStep, int endStep, List<LossValues> stepLosses) {

    public TrainingResult {
        stepLosses = List.copyOf(stepLosses);
    }
}
