/**
 * Mask2Former as SegEarth-R2's segmentation head (Hugging Face
 * {@code Mask2FormerForUniversalSegmentation} layout): the MSDeformAttn pixel decoder and the
 * masked-attention transformer decoder driven by one [SEG] query per target.
 */
package org.segearth.heads.mask2former;
