package org.segearth.runtime.eval;

/**
 * How the model produces its answer during evaluation.
 *
 * <pre>{@code
 * Evaluator.builder().mode(EvalMode.TEACHER_FORCED)
 * }</pre>
 */
public enum EvalMode {
    /** The model writes its own answer; its [SEG]s decide the number of masks (the official {@code eval.py}). */
    GENERATIVE,
    /**
     * The reference answer is given; one mask per [SEG] of it. This measures the masks alone and is
     * an upper bound, not a benchmark result: the model never has to find the targets.
     */
    TEACHER_FORCED
}
