package org.segearth.runtime.eval;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What the {@link Evaluator} keeps of one sample: the intersections and unions its metrics are
 * summed from, and the answer. {@link Evaluator#score} makes one; {@link Evaluator#report} sums
 * them, so samples may be scored apart (on other machines) and the report made in one place.
 * Serializable, so that scores can travel between processes.
 *
 * <pre>{@code
 * List<SampleScore> scores = dataset.samples().stream().map(evaluator::score).toList();
 * EvaluationReport r = evaluator.report(dataset, scores, seconds);
 * }</pre>
 *
 * @param id the sample's id
 * @param group the sample's group, or null
 * @param groundTruthTargets the number of ground-truth masks, -1 for a sample without ground truth
 * @param predictions the number of predicted masks
 * @param targets {@code {intersection, union}} per ground-truth target (empty without ground truth)
 * @param merged {@code {intersection, union}} of the merged masks, null without ground truth
 * @param seconds the time the segmentation function took
 * @param answer the answer text, or null
 */
public record SampleScore(String id, String group, int groundTruthTargets, int predictions, List<long[]> targets,
        long[] merged, double seconds, String answer) implements Serializable {

    private static final long serialVersionUID = 1L;

    public SampleScore {
        Objects.requireNonNull(id, "id");
        targets = List.copyOf(targets);
    }

    /** Whether the sample had ground truth (and so counts in the metrics). */
    public boolean hasGroundTruth() {
        return groundTruthTargets >= 0;
    }
}
