package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;

/**
 * The promptable part of {@code SamModel}: the shared random-Fourier embedding, the prompt encoder
 * and the mask decoder, run on image embeddings that an image encoder made. Two prompt paths:
 * points/boxes/masks ({@link #predict}) and sparse prompt embeddings given directly, e.g. one
 * projected [SEG] vector per target ({@link #predictSparse}).
 */
public final class SamModel {

    private final SamPositionalEmbedding sharedImageEmbedding;
    private final SamPromptEncoder promptEncoder;
    private final SamMaskDecoder maskDecoder;
    private final SamConfig config;

    /** @param root the checkpoint view at the {@code SamModel} root (see {@link SamLayout}) */
    public SamModel(Weights root, SamConfig config) {
        this.config = config;
        this.sharedImageEmbedding = new SamPositionalEmbedding(root.prefix("shared_image_embedding"),
                config.vision().numPosFeats());
        this.promptEncoder = new SamPromptEncoder(root.prefix("prompt_encoder"), config.promptEncoder(),
                sharedImageEmbedding);
        this.maskDecoder = new SamMaskDecoder(root.prefix("mask_decoder"), config.maskDecoder());
    }

    public SamConfig config() {
        return config;
    }

    /** Width of a prompt token. */
    public int hiddenSize() {
        return promptEncoder.hiddenSize();
    }

    /** {@code get_image_wide_positional_embeddings}: {@code [1, hidden, e, e]} in {@code manager}. */
    public NDArray imagePositionalEmbeddings(NDManager manager) {
        return sharedImageEmbedding.imageWide(promptEncoder.imageEmbeddingSize(), manager);
    }

    /**
     * The standard prompt path ({@code SamModel.forward} with image embeddings).
     *
     * @param imageEmbeddings {@code [B, hidden, e, e]}
     * @param points {@code [B, pointBatch, n, 2]} in the encoder's input frame, or null
     * @param labels {@code [B, pointBatch, n]} int64, or null (all 1)
     * @param boxes {@code [B, pointBatch, 4]} or null
     * @param masks {@code [B, 1, 4e, 4e]} or null
     * @param multimask three masks per prompt when true, else one
     * @return low-resolution mask logits {@code [B, pointBatch, k, 4e, 4e]} and IoU scores, in
     *     {@code imageEmbeddings}' manager
     */
    public SamMaskDecoder.Output predict(NDArray imageEmbeddings, NDArray points, NDArray labels, NDArray boxes,
            NDArray masks, boolean multimask) {
        NDManager caller = imageEmbeddings.getManager();
        try (NDManager scope = caller.newSubManager()) {
            for (NDArray a : new NDArray[] {imageEmbeddings, points, labels, boxes, masks}) {
                if (a != null) {
                    a.tempAttach(scope);
                }
            }
            SamPromptEncoder.Embeddings prompt = promptEncoder.forward(points, labels, boxes, masks);
            long batch = imageEmbeddings.getShape().get(0);
            NDArray sparse = prompt.sparse() != null ? prompt.sparse()
                    : scope.zeros(new Shape(batch, 1, 0, hiddenSize()));
            NDArray dense = prompt.dense() != null ? prompt.dense() : promptEncoder.noMaskDense(batch, sparse);
            return decode(caller, scope, imageEmbeddings, sparse, dense, multimask);
        }
    }

    /**
     * The sparse-embedding prompt path: {@code sparse} is used directly as the prompt tokens, with
     * the no-mask dense embedding (LISA / SegEarth style with one [SEG] query per point batch entry).
     *
     * @param imageEmbeddings {@code [B, hidden, e, e]}
     * @param sparse {@code [B, pointBatch, n, hidden]}
     */
    public SamMaskDecoder.Output predictSparse(NDArray imageEmbeddings, NDArray sparse, boolean multimask) {
        NDManager caller = imageEmbeddings.getManager();
        try (NDManager scope = caller.newSubManager()) {
            imageEmbeddings.tempAttach(scope);
            sparse.tempAttach(scope);
            NDArray dense = promptEncoder.noMaskDense(imageEmbeddings.getShape().get(0), sparse);
            return decode(caller, scope, imageEmbeddings, sparse, dense, multimask);
        }
    }

    private SamMaskDecoder.Output decode(NDManager caller, NDManager scope, NDArray imageEmbeddings, NDArray sparse,
            NDArray dense, boolean multimask) {
        NDArray pe = imagePositionalEmbeddings(scope);
        SamMaskDecoder.Output out = maskDecoder.forward(imageEmbeddings, pe, sparse, dense, multimask);
        out.masks().attach(caller);
        out.iouScores().attach(caller);
        return out;
    }
}
