package org.segearth.runtime.eval;

/**
 * How the model produces its answer during evaluation.
 *
 * <pre>{@code
 * Evaluator.builder().mode(EvalMode.TEACHER_FORCED)
 * }</pre>
 */
public enum EvalMode {
    /** The model writes its own answer; its [SEG]s decide the number of masks. */
    GENERATIVE,
    /** The reference answer is given; one mask per [SEG] of it (the official evaluation of LaSeRS). */
    TEACHER_FORCED
}
