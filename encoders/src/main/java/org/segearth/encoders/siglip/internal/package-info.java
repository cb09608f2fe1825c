/**
 * SigLIP's vision transformer as one class per Hugging Face module
 * ({@code SiglipVisionEmbeddings}, {@code SiglipAttention}, {@code SiglipMLP},
 * {@code SiglipEncoderLayer}, {@code SiglipEncoder}, the attention-pooling head,
 * {@code SiglipVisionTransformer}), Mipha's projector, the ONNX Runtime tower and the one place
 * that maps checkpoint layouts ({@link org.segearth.encoders.siglip.internal.SiglipCheckpointLayout}).
 * Not API.
 */
package org.segearth.encoders.siglip.internal;
