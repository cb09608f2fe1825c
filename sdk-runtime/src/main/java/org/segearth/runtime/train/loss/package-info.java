/**
 * Training losses of SegEarth-R2 on DJL arrays, differentiable through DJL autograd: the shifted
 * text cross-entropy ({@link org.segearth.runtime.train.loss.TextCrossEntropy}), the Mask2Former
 * mask losses, dense and point-sampled ({@link org.segearth.runtime.train.loss.MaskLosses},
 * {@link org.segearth.runtime.train.loss.PointSampler}), and the spatial attention loss
 * ({@link org.segearth.runtime.train.loss.SpatialAttentionLoss}). The parity check
 * {@link org.segearth.runtime.train.loss.LossesParityCheck} reproduces the {@code losses} dump.
 */
package org.segearth.runtime.train.loss;
