/**
 * Evaluation: the paper's metrics ({@link org.segearth.runtime.eval.TargetMetrics} for SegEarth-R2,
 * {@link org.segearth.runtime.eval.ReferringMetrics} for SegEarth-R1 / referring segmentation), the
 * {@code metrics} parity check and the {@link org.segearth.runtime.eval.Evaluator}.
 */
package org.segearth.runtime.eval;
