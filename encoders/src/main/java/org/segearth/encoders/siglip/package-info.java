/**
 * The global vision branch of SegEarth-R2: SigLIP's vision transformer (Java, or an ONNX export on
 * ONNX Runtime) followed by Mipha's projector, offered as the {@code siglip} and
 * {@code siglip-onnx} {@link org.segearth.spi.VisionEncoderProvider}s, and the
 * {@code siglip_vision} parity check.
 */
package org.segearth.encoders.siglip;
