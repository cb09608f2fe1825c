package org.segearth.runtime.parity;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of reproducing one reference dump.
 *
 * @param component the component name
 * @param ok whether every comparison passed
 * @param comparisons every comparison made, in order
 * @param failure why the check failed when it could not run or compare, or null
 */
public record ParityResult(String component, boolean ok, List<TensorComparison> comparisons, String failure) {

    public ParityResult {
        comparisons = List.copyOf(comparisons);
    }

    /** The largest absolute difference over all comparisons (0 when none). */
    public double maxAbsDiff() {
        return comparisons.stream().mapToDouble(TensorComparison::maxAbsDiff).filter(d -> !Double.isNaN(d)).max().orElse(0);
    }

    /**
     * The verdict line: {@code PARITY <component> OK max_abs_diff=<x>} or
     * {@code PARITY <component> FAIL <reason>}.
     */
    public String verdict() {
        if (ok) {
            return String.format(Locale.ROOT, "PARITY %s OK max_abs_diff=%.3e", component, maxAbsDiff());
        }
        return "PARITY " + component + " FAIL " + reason();
    }

    private String reason() {
        if (failure != null) {
            return failure;
        }
        List<String> bad = comparisons.stream().filter(c -> !c.ok()).map(TensorComparison::name).toList();
        return bad.size() + " of " + comparisons.size() + " tensors out of tolerance: " + bad;
    }
}
