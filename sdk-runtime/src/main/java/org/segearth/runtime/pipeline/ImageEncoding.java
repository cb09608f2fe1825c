package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.List;
import java.util.Objects;

/**
 * One image through both branches: the preprocessed pixels and what the frozen encoders made of
 * them. This is what the per-image feature cache keeps.
 *
 * @param width the original image width
 * @param height the original image height
 * @param siglipPixelValues {@code [1, 3, S, S]} the global branch's input
 * @param maskPixelValues {@code [1, 3, F, F]} the mask branch's letterboxed input
 * @param validHeight rows of the letterbox frame that hold the image
 * @param validWidth columns of the letterbox frame that hold the image
 * @param imageFeatures {@code [1, N, towerHidden]} the vision tower's features, or null when not asked for
 * @param imageEmbeds {@code [1, N, hidden]} the projected image tokens
 * @param maskFeatures the mask encoder's maps, finest first
 */
public record ImageEncoding(int width, int height, NDArray siglipPixelValues, NDArray maskPixelValues,
        int validHeight, int validWidth, NDArray imageFeatures, NDArray imageEmbeds, List<NDArray> maskFeatures) {

    public ImageEncoding {
        Objects.requireNonNull(siglipPixelValues, "siglipPixelValues");
        Objects.requireNonNull(maskPixelValues, "maskPixelValues");
        Objects.requireNonNull(imageEmbeds, "imageEmbeds");
        maskFeatures = List.copyOf(maskFeatures);
    }

    /** Image tokens spliced into the prompt. */
    public int numImageTokens() {
        return (int) imageEmbeds.getShape().get(1);
    }

    /** Side of the letterbox frame. */
    public int frameSize() {
        return (int) maskPixelValues.getShape().get(2);
    }

    /** Every array of this encoding. */
    public List<NDArray> arrays() {
        List<NDArray> all = new java.util.ArrayList<>(List.of(siglipPixelValues, maskPixelValues, imageEmbeds));
        if (imageFeatures != null) {
            all.add(imageFeatures);
        }
        all.addAll(maskFeatures);
        return all;
    }
}
