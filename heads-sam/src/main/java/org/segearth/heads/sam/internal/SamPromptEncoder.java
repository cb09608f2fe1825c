package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;

/**
 * {@code SamPromptEncoder}: points (with labels), boxes and mask prompts to sparse and dense
 * embeddings. Labels: 1 foreground, 0 background, -1 "not a point" (also the padding point added
 * when no box is given), -10 ignored.
 */
public final class SamPromptEncoder {

    /**
     * Sparse {@code [B, pointBatch, n, hidden]} and dense {@code [B, hidden, e, e]} prompt
     * embeddings; sparse is null without points and boxes, dense is null without any prompt.
     */
    public record Embeddings(NDArray sparse, NDArray dense) {}

    private final SamPositionalEmbedding sharedEmbedding;
    private final SamMaskEmbedding maskEmbed;
    private final NDArray noMaskEmbed; // [1, hidden, 1, 1] (checkpoint [1, hidden])
    private final NDArray notAPointEmbed; // [1, hidden]
    private final NDArray[] pointEmbed; // 4 x [1, hidden]: negative, positive, box corner 1, box corner 2
    private final int hidden;
    private final int imageEmbeddingSize;
    private final int inputImageSize;

    public SamPromptEncoder(Weights w, SamConfig.PromptEncoder c, SamPositionalEmbedding shared) {
        this.sharedEmbedding = shared;
        this.hidden = c.hiddenSize();
        this.maskEmbed = new SamMaskEmbedding(w.prefix("mask_embed"), c);
        this.noMaskEmbed = w.get("no_mask_embed.weight", 1, hidden).reshape(1, hidden, 1, 1);
        this.notAPointEmbed = w.get("not_a_point_embed.weight", 1, hidden);
        this.pointEmbed = new NDArray[c.numPointEmbeddings()];
        for (int i = 0; i < pointEmbed.length; i++) {
            pointEmbed[i] = w.get("point_embed." + i + ".weight", 1, hidden);
        }
        this.imageEmbeddingSize = c.imageEmbeddingSize();
        this.inputImageSize = c.imageSize();
        if (shared.channels() != hidden) {
            throw new SegEarthException("SAM positional embedding gives " + shared.channels()
                    + " channels but the prompt encoder's hidden_size is " + hidden
                    + "; vision_config.num_pos_feats must be prompt_encoder_config.hidden_size / 2");
        }
    }

    public int hiddenSize() {
        return hidden;
    }

    public int imageEmbeddingSize() {
        return imageEmbeddingSize;
    }

    /**
     * @param points {@code [B, pointBatch, n, 2]} (x, y) in the encoder's input frame, or null
     * @param labels {@code [B, pointBatch, n]} int64, or null (all foreground)
     * @param boxes {@code [B, nb, 4]} (x1, y1, x2, y2), or null
     * @param masks {@code [B, 1, 4e, 4e]} mask logits, or null (then {@code no_mask_embed})
     */
    public Embeddings forward(NDArray points, NDArray labels, NDArray boxes, NDArray masks) {
        NDArray sparse = null;
        long batch = 1;
        if (points != null) {
            batch = points.getShape().get(0);
            if (labels == null) {
                labels = points.getManager().ones(points.getShape().slice(0, 3), DataType.INT64);
            }
            sparse = embedPoints(points, labels, boxes == null);
        }
        if (boxes != null) {
            batch = boxes.getShape().get(0);
            NDArray corners = embedBoxes(boxes);
            sparse = sparse == null ? corners : sparse.concat(corners, 2);
        }
        NDArray dense;
        if (masks != null) {
            dense = maskEmbed.forward(masks);
        } else if (points != null || boxes != null) {
            dense = noMaskDense(batch, points != null ? points : boxes);
        } else {
            dense = null; // no prompt at all: the caller knows the image batch
        }
        return new Embeddings(sparse, dense);
    }

    /** The dense embedding without a mask prompt, {@code [batch, hidden, e, e]}, in {@code like}'s manager. */
    public NDArray noMaskDense(long batch, NDArray like) {
        return like.getManager().zeros(new Shape(batch, hidden, imageEmbeddingSize, imageEmbeddingSize))
                .add(noMaskEmbed);
    }

    /** {@code _embed_points}. */
    NDArray embedPoints(NDArray points, NDArray labels, boolean pad) {
        NDArray p = points.add(0.5f);
        NDArray l = labels.toType(DataType.INT64, false);
        if (pad) {
            long[] s = p.getShape().getShape();
            p = p.concat(p.getManager().zeros(new Shape(s[0], s[1], 1, 2)), 2);
            l = l.concat(l.getManager().full(new Shape(s[0], s[1], 1), -1L), 2);
        }
        NDArray pe = sharedEmbedding.forward(p, inputImageSize, inputImageSize);
        NDArray lab = l.expandDims(-1);
        pe = NDArrays.where(lab.eq(-1).broadcast(pe.getShape()), pe.zerosLike().add(notAPointEmbed), pe);
        pe = NDArrays.where(lab.eq(-10).broadcast(pe.getShape()), pe.zerosLike(), pe);
        pe = pe.add(lab.eq(0).toType(DataType.FLOAT32, false).mul(pointEmbed[0]));
        return pe.add(lab.eq(1).toType(DataType.FLOAT32, false).mul(pointEmbed[1]));
    }

    /** {@code _embed_boxes}: two corner embeddings per box, {@code [B, nb, 2, hidden]}. */
    NDArray embedBoxes(NDArray boxes) {
        long[] s = boxes.getShape().getShape();
        NDArray coords = boxes.add(0.5f).reshape(s[0], s[1], 2, 2);
        NDArray corners = sharedEmbedding.forward(coords, inputImageSize, inputImageSize);
        NDArray first = corners.get(new NDIndex(":, :, 0:1, :")).add(pointEmbed[2]);
        NDArray second = corners.get(new NDIndex(":, :, 1:2, :")).add(pointEmbed[3]);
        return first.concat(second, 2);
    }
}
