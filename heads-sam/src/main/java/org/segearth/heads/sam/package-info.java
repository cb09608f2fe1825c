/**
 * SAM as an ablation head for SegEarth-R2: the provider {@code sam} of a segmentation head (the
 * projected [SEG] vector as SAM's single sparse prompt, LISA style; score = SAM's IoU prediction),
 * the provider {@code sam} of its image encoder (Java, or ONNX Runtime with {@code engine=onnx}),
 * SAM's own pre- and post-processing, and the parity check of the {@code sam} reference dump.
 */
package org.segearth.heads.sam;
