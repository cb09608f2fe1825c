/**
 * The training facade: fine-tunes SegEarth-R2 from a model package on LaSeRS-format data
 * ({@link org.segearth.runtime.train.Trainer}, {@link org.segearth.runtime.train.TrainingConfig}),
 * with AdamW on arrays ({@link org.segearth.runtime.train.AdamW}), warmup + cosine
 * ({@link org.segearth.runtime.train.LrSchedule}), global-norm clipping, the composite loss of a
 * teacher-forced pass ({@link org.segearth.runtime.train.SegEarthLosses}) and checkpoints that are
 * complete model packages. The loss terms themselves are in {@code train.loss}.
 */
package org.segearth.runtime.train;
