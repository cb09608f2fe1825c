/**
 * SAM modules named after Hugging Face's {@code modeling_sam.py}: the ViT image encoder
 * ({@link org.segearth.heads.sam.internal.SamVisionEncoder}), the prompt encoder, the two-way mask
 * decoder, and their {@code MaskEncoder} / {@code SegmentationHead} adapters (Java and ONNX Runtime).
 * Not API.
 */
package org.segearth.heads.sam.internal;
