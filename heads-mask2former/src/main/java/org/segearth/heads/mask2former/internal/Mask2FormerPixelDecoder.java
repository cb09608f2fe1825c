package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import java.util.ArrayList;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Convolutions;
import org.segearth.spi.nn.Interpolation;

/**
 * HF {@code Mask2FormerPixelDecoder}: the three coarsest backbone maps are projected (1x1 conv +
 * GroupNorm(32)), given sine position and level embeddings, flattened and refined by the
 * deformable-attention encoder; the finer maps join through FPN lateral (1x1 conv + GroupNorm) and
 * output (3x3 conv + GroupNorm + ReLU) convolutions after a bilinear upsampling; the finest map
 * goes through {@code mask_projection}.
 */
public final class Mask2FormerPixelDecoder {

    /** HF fixes the transformer levels of the pixel decoder at 3. */
    public static final int NUM_FEATURE_LEVELS = 3;
    private static final int GROUPS = 32;

    private final int featureSize;
    private final int numFpnLevels;
    private final List<NDArray[]> inputProjections = new ArrayList<>(); // conv [F, C, 1, 1], bias, GN weight, GN bias
    private final NDArray levelEmbed; // level_embed [levels, F], rows taken in the forward
    private final Mask2FormerSinePositionEmbedding positionEmbedding;
    private final List<Mask2FormerPixelDecoderEncoderLayer> encoderLayers = new ArrayList<>();
    private final List<NDArray[]> adapters = new ArrayList<>(); // lateral conv [F, C, 1, 1], GN weight, GN bias, conv bias or null
    private final List<NDArray[]> layers = new ArrayList<>(); // output conv [F, F, 3, 3], GN weight, GN bias, conv bias or null
    private final boolean lateralRelu;
    private final NDArray maskProjectionWeight; // [mask, F, 1, 1]
    private final NDArray maskProjectionBias; // [mask]

    /**
     * @param w the view at {@code model.pixel_level_module.decoder}
     * @param channels backbone channels per level, finest first
     * @param strides backbone strides per level, finest first
     */
    public Mask2FormerPixelDecoder(Weights w, int[] channels, int[] strides, int featureSize, int maskFeatureSize,
            int encoderLayers, int encoderFfn, int numHeads, int commonStride) {
        this(w, channels, strides, featureSize, maskFeatureSize, encoderLayers, encoderFfn, numHeads, commonStride,
                false);
    }

    /**
     * Like the Hugging Face decoder; with {@code lateralRelu} the lateral convolutions end with a
     * ReLU as in the official SegEarth-R2 pixel decoder ({@code Mask2Former_Simplify}
     * {@code msdeformattn.py}: {@code lateral_conv = nn.Sequential(Conv2d, GroupNorm(32), ReLU)}).
     * The lateral and output convolutions have biases when the checkpoint holds them
     * ({@code adapter_i.0.bias}, {@code layer_i.0.bias}: detectron2's {@code Conv2d} with a norm
     * has none, the official decoder's {@code nn.Conv2d} has).
     */
    public Mask2FormerPixelDecoder(Weights w, int[] channels, int[] strides, int featureSize, int maskFeatureSize,
            int encoderLayers, int encoderFfn, int numHeads, int commonStride, boolean lateralRelu) {
        this.lateralRelu = lateralRelu;
        if (channels.length < NUM_FEATURE_LEVELS || featureSize % GROUPS != 0) {
            throw new SegEarthException("Mask2Former pixel decoder needs at least " + NUM_FEATURE_LEVELS
                    + " backbone levels (got " + channels.length + ") and feature_size divisible by " + GROUPS
                    + " (got " + featureSize + "); fix config.json");
        }
        this.featureSize = featureSize;
        int n = channels.length;
        for (int i = 0; i < NUM_FEATURE_LEVELS; i++) {
            Weights p = w.prefix("input_projections." + i);
            int in = channels[n - 1 - i];
            inputProjections.add(new NDArray[] {p.get("0.weight", featureSize, in, 1, 1), p.get("0.bias", featureSize),
                p.get("1.weight", featureSize), p.get("1.bias", featureSize)});
        }
        levelEmbed = w.get("level_embed", NUM_FEATURE_LEVELS, featureSize);
        positionEmbedding = new Mask2FormerSinePositionEmbedding(featureSize / 2);
        for (int i = 0; i < encoderLayers; i++) {
            this.encoderLayers.add(new Mask2FormerPixelDecoderEncoderLayer(w.prefix("encoder.layers." + i), featureSize,
                    encoderFfn, numHeads, NUM_FEATURE_LEVELS));
        }
        int minStride = Integer.MAX_VALUE;
        for (int i = n - NUM_FEATURE_LEVELS; i < n; i++) {
            minStride = Math.min(minStride, strides[i]);
        }
        numFpnLevels = (int) (log2(minStride) - log2(commonStride));
        for (int j = 0; j < numFpnLevels; j++) {
            Weights a = w.prefix("adapter_" + (j + 1));
            adapters.add(new NDArray[] {a.get("0.weight", featureSize, channels[j], 1, 1), a.get("1.weight", featureSize),
                a.get("1.bias", featureSize), optional(a, "0.bias", featureSize)});
            Weights o = w.prefix("layer_" + (j + 1));
            layers.add(new NDArray[] {o.get("0.weight", featureSize, featureSize, 3, 3), o.get("1.weight", featureSize),
                o.get("1.bias", featureSize), optional(o, "0.bias", featureSize)});
        }
        maskProjectionWeight = w.get("mask_projection.weight", maskFeatureSize, featureSize, 1, 1);
        maskProjectionBias = w.get("mask_projection.bias", maskFeatureSize);
    }

    private static NDArray optional(Weights w, String key, long size) {
        return w.contains(key) ? w.get(key, size) : null;
    }

    private static double log2(int v) {
        return Math.log(v) / Math.log(2);
    }

    /**
     * @param features backbone maps, finest first, {@code [B, C_i, H_i, W_i]}
     * @return multi-scale features (coarsest first) and the mask features
     */
    public Output forward(List<NDArray> features) {
        int n = features.size();
        NDManager manager = features.get(0).getManager();
        List<NDArray> embeds = new ArrayList<>();
        List<NDArray> positions = new ArrayList<>();
        int[][] shapes = new int[NUM_FEATURE_LEVELS][];
        for (int i = 0; i < NUM_FEATURE_LEVELS; i++) {
            NDArray x = features.get(n - 1 - i);
            NDArray[] p = inputProjections.get(i);
            NDArray proj = Mask2FormerOps.groupNorm(Convolutions.conv2d(x, p[0], p[1], 1, 0), GROUPS, p[2], p[3]);
            int h = (int) proj.getShape().get(2);
            int wd = (int) proj.getShape().get(3);
            shapes[i] = new int[] {h, wd};
            embeds.add(flatten(proj));
            NDArray pos = flatten(positionEmbedding.forward(manager, h, wd));
            positions.add(pos.add(Mask2FormerOps.slice(levelEmbed, new NDIndex(i), manager).reshape(1, 1, featureSize)));
        }
        NDArray hidden = NDArrays.concat(new NDList(embeds), 1);
        NDArray position = NDArrays.concat(new NDList(positions), 1);
        NDArray reference = MultiscaleDeformableAttention.referencePoints(manager, shapes);
        for (Mask2FormerPixelDecoderEncoderLayer layer : encoderLayers) {
            hidden = layer.forward(hidden, position, reference, shapes);
        }
        long b = hidden.getShape().get(0);
        List<NDArray> outputs = new ArrayList<>();
        long start = 0;
        for (int[] hw : shapes) {
            long len = (long) hw[0] * hw[1];
            outputs.add(hidden.get(new NDIndex(":, " + start + ":" + (start + len) + ", :"))
                    .transpose(0, 2, 1).reshape(b, featureSize, hw[0], hw[1]));
            start += len;
        }
        List<NDArray> multiScale = List.copyOf(outputs);
        NDArray last = outputs.get(outputs.size() - 1);
        for (int idx = 0; idx < numFpnLevels; idx++) {
            int j = numFpnLevels - 1 - idx;
            NDArray[] a = adapters.get(j);
            NDArray[] o = layers.get(j);
            NDArray lateral = Mask2FormerOps.groupNorm(Convolutions.conv2d(features.get(j), a[0], a[3], 1, 0), GROUPS, a[1], a[2]);
            if (lateralRelu) {
                lateral = Activation.relu(lateral);
            }
            int lh = (int) lateral.getShape().get(2);
            int lw = (int) lateral.getShape().get(3);
            NDArray sum = lateral.add(Interpolation.bilinear(last, lh, lw));
            last = Activation.relu(Mask2FormerOps.groupNorm(Convolutions.conv2d(sum, o[0], o[3], 1, 1), GROUPS, o[1], o[2]));
        }
        NDArray maskFeatures = Convolutions.conv2d(last, maskProjectionWeight, maskProjectionBias, 1, 0);
        return new Output(multiScale, maskFeatures);
    }

    private static NDArray flatten(NDArray map) {
        long[] s = map.getShape().getShape();
        return map.reshape(s[0], s[1], s[2] * s[3]).transpose(0, 2, 1);
    }

    /**
     * @param multiScaleFeatures the encoder's maps, coarsest first, {@code [B, F, h, w]}
     * @param maskFeatures the per-pixel embeddings at the finest stride
     */
    public record Output(List<NDArray> multiScaleFeatures, NDArray maskFeatures) {}
}
