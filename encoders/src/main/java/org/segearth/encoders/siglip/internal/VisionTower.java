package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;

/**
 * The part of a vision encoder before the projector: pixels in, the selected hidden state out
 * ({@code hidden_states[-2]} for Mipha). Implemented in Java ({@link SiglipVisionTransformer})
 * and on ONNX Runtime ({@link OnnxVisionTower}).
 */
public interface VisionTower extends AutoCloseable {

    /**
     * @param pixelValues {@code [batch, 3, H, W]} normalised pixels
     * @return {@code [batch, tokens, hidden]} in the manager of {@code pixelValues}
     */
    NDArray features(NDArray pixelValues);

    @Override
    void close();
}
