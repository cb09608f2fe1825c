package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.LayerNorm;

/**
 * {@code SamMaskDecoder}: IoU and mask tokens + prompt tokens through the two-way transformer,
 * upscaling of the image embedding (two transposed convolutions), hypernetwork MLPs per mask token
 * and the IoU prediction head.
 */
public final class SamMaskDecoder {

    /** Masks {@code [B, pointBatch, k, 4h, 4w]} and IoU predictions {@code [B, pointBatch, k]}. */
    public record Output(NDArray masks, NDArray iouScores) {}

    private final NDArray outputTokens; // [1 + numMaskTokens, hidden]: iou_token then mask_tokens
    private final SamTwoWayTransformer transformer;
    private final ConvTranspose2d upscaleConv1; // [hidden, hidden/4, 2, 2]
    private final LayerNorm upscaleLayerNorm; // [hidden/4]
    private final ConvTranspose2d upscaleConv2; // [hidden/4, hidden/8, 2, 2]
    private final List<SamFeedForward> outputHypernetworksMlps = new ArrayList<>();
    private final SamFeedForward iouPredictionHead;
    private final int hidden;
    private final int numMaskTokens;

    public SamMaskDecoder(Weights w, SamConfig.MaskDecoder c) {
        this.hidden = c.hiddenSize();
        this.numMaskTokens = c.numMultimaskOutputs() + 1;
        NDArray iouToken = w.get("iou_token.weight", 1, hidden);
        NDArray maskTokens = w.get("mask_tokens.weight", numMaskTokens, hidden);
        this.outputTokens = iouToken.concat(maskTokens, 0);
        this.transformer = new SamTwoWayTransformer(w.prefix("transformer"), c);
        this.upscaleConv1 = ConvTranspose2d.load(w, "upscale_conv1", hidden, hidden / 4, 2, 2);
        this.upscaleLayerNorm = LayerNorm.loadChannelsFirst(w, "upscale_layer_norm", hidden / 4, SamVisionNeck.EPS);
        this.upscaleConv2 = ConvTranspose2d.load(w, "upscale_conv2", hidden / 4, hidden / 8, 2, 2);
        for (int i = 0; i < numMaskTokens; i++) {
            outputHypernetworksMlps.add(new SamFeedForward(w.prefix("output_hypernetworks_mlps." + i), hidden, hidden,
                    hidden / 8, 3));
        }
        this.iouPredictionHead = new SamFeedForward(w.prefix("iou_prediction_head"), hidden, c.iouHeadHiddenDim(),
                numMaskTokens, c.iouHeadDepth());
    }

    /**
     * @param imageEmbeddings {@code [B, hidden, h, w]}
     * @param imagePe {@code [1 or B, hidden, h, w]}
     * @param sparse {@code [B, pointBatch, n, hidden]} prompt tokens
     * @param dense {@code [B, hidden, h, w]}
     * @param multimask the three multimask outputs (tokens 1..3) when true, else the single mask (token 0)
     */
    public Output forward(NDArray imageEmbeddings, NDArray imagePe, NDArray sparse, NDArray dense, boolean multimask) {
        long[] s = imageEmbeddings.getShape().getShape();
        long b = s[0];
        long h = s[2];
        long w = s[3];
        long pointBatch = sparse.getShape().get(1);
        long n = b * pointBatch;
        NDArray tokens = sparse.getManager().zeros(new Shape(b, pointBatch, 1 + numMaskTokens, hidden)).add(outputTokens)
                .concat(sparse, 2);
        tokens = tokens.reshape(n, tokens.getShape().get(2), hidden);
        NDArray src = perPrompt(imageEmbeddings.add(dense), b, pointBatch);
        NDArray pos = perPrompt(imagePe.broadcast(new Shape(b, hidden, h, w)), b, pointBatch);

        SamTwoWayAttentionBlock.Output out = transformer.forward(tokens, src, pos);
        NDArray iouTokenOut = out.queries().get(new NDIndex(":, 0, :"));
        NDArray maskTokensOut = out.queries().get(new NDIndex(":, 1:{}, :", 1 + numMaskTokens));

        NDArray upscaled = upscale(out.keys().transpose(0, 2, 1).reshape(n, hidden, h, w));
        NDList hyper = new NDList();
        for (int i = 0; i < numMaskTokens; i++) {
            hyper.add(outputHypernetworksMlps.get(i).forward(maskTokensOut.get(new NDIndex(":, {}, :", i))));
        }
        long[] u = upscaled.getShape().getShape();
        NDArray masks = NDArrays.stack(hyper, 1).matMul(upscaled.reshape(n, u[1], u[2] * u[3]))
                .reshape(b, pointBatch, numMaskTokens, u[2], u[3]);
        NDArray iou = iouPredictionHead.forward(iouTokenOut).reshape(b, pointBatch, numMaskTokens);
        String slice = multimask ? "1:" : "0:1";
        return new Output(masks.get(new NDIndex(":, :, " + slice + ", :, :")), iou.get(new NDIndex(":, :, " + slice)));
    }

    /** {@code [B, ...]} repeated for each prompt of the point batch: {@code [B * pointBatch, ...]}. */
    private static NDArray perPrompt(NDArray x, long b, long pointBatch) {
        long[] s = x.getShape().getShape();
        return x.expandDims(1).broadcast(new Shape(b, pointBatch, s[1], s[2], s[3])).reshape(b * pointBatch, s[1], s[2], s[3]);
    }

    private NDArray upscale(NDArray src) {
        NDArray h = Activations.geluErf(upscaleLayerNorm.forward(upscaleConv1.forward(src)));
        return Activations.geluErf(upscaleConv2.forward(h));
    }
}
