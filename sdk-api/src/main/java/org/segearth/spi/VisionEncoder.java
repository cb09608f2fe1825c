package org.segearth.spi;

import ai.djl.ndarray.NDArray;

/**
 * The global branch: preprocessed image in, image tokens in the language model's width out
 * (SigLIP + the Mipha projector for SegEarth-R2).
 *
 * <pre>{@code
 * try (VisionEncoder vision = new ProviderRegistry().find(VisionEncoderProvider.class, "siglip").create(context)) {
 *     NDArray pixels = manager.zeros(new Shape(1, 3, vision.imageSize(), vision.imageSize()));
 *     NDArray tokens = vision.encode(pixels);         // [1, numTokens(), LLM hidden size]
 * }
 * }</pre>
 */
public interface VisionEncoder extends AutoCloseable {

    /** The square input side in pixels (384 for SigLIP-so400m). */
    int imageSize();

    /** Image tokens per image (729 for SigLIP-so400m at 384). */
    int numTokens();

    /**
     * @param pixelValues {@code [batch, 3, imageSize, imageSize]}, normalised
     * @return {@code [batch, numTokens, llmHidden]} projected image tokens
     */
    NDArray encode(NDArray pixelValues);

    /**
     * The tower's features before the projector (for parity checks and explanations); optional.
     *
     * @param pixelValues {@code [batch, 3, imageSize, imageSize]}, normalised
     * @return {@code [batch, numTokens, towerHidden]}
     */
    default NDArray features(NDArray pixelValues) {
        throw new org.segearth.api.SegEarthException(getClass().getName()
                + " does not expose the features before its projector; use a vision encoder that does (e.g. 'siglip')");
    }

    /**
     * The weights under their checkpoint keys, live: the arrays the forward computes with (no
     * copies or views made at load time), so that gradients attached to them train the component
     * and values written into them in place take effect. Empty when the component does not
     * support training (the default).
     */
    default java.util.Map<String, NDArray> parameters() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
