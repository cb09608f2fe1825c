package org.segearth.demo.internal;

import static org.segearth.demo.internal.MiphaLayout.layerNorm;
import static org.segearth.demo.internal.MiphaLayout.linear;

import java.util.ArrayList;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.Mask2FormerConfig;
import org.segearth.spi.config.SwinConfig;

/**
 * The {@code Mask2FormerForUniversalSegmentation} checkpoint ({@code mask_head/model.safetensors})
 * of a Mask2Former {@code config.json} with a Swin {@code backbone_config}, with every key Hugging
 * Face saves: the Swin backbone ({@code model.pixel_level_module.encoder.*}), the MSDeformAttn
 * pixel decoder, the masked-attention transformer decoder ({@code decoder_layers - 1} layers), the
 * learned queries, {@code class_predictor} and {@code criterion.empty_weight}.
 *
 * <p>Initialisation: Swin as {@code SwinPreTrainedModel._init_weights} (Linear and Conv
 * normal(initializer_range), biases 0, LayerNorm 1/0) with the relative position bias tables
 * trunc-normal(0.02) as the original Swin starts them; the pixel decoder as Deformable DETR and the
 * official Mask2Former start it (MSDeformAttn: zero sampling-offset weights with the radial grid as
 * bias, zero attention weights, xavier-uniform value and output projections; every other matrix
 * and convolution xavier-uniform, biases 0, GroupNorm 1/0, level embedding normal(1)); the decoder
 * layers xavier-uniform (gain {@code init_xavier_std}); the mask MLP, the class predictor and the
 * queries as {@code nn.Linear}/{@code nn.Embedding} defaults. Hugging Face's own
 * {@code Mask2FormerPreTrainedModel._init_weights} applies its pixel-level normal(init_std) rule
 * after the pixel decoder's, which overrides the MSDeformAttn grid; the official scheme is kept.
 */
public final class Mask2FormerLayout {

    /** Feature levels the MSDeformAttn encoder attends (fixed in Mask2Former). */
    public static final int LEVELS = 3;
    /** Sampling points per head and level (fixed in Mask2Former). */
    public static final int POINTS = 4;

    private static final String ENCODER = "model.pixel_level_module.encoder.";
    private static final String DECODER = "model.pixel_level_module.decoder.";
    private static final String TRANSFORMER = "model.transformer_module.";

    private Mask2FormerLayout() {}

    /** Every tensor of the checkpoint that {@code config} describes. */
    public static List<ParamSpec> specs(JsonConfig config) {
        Mask2FormerConfig c = Mask2FormerConfig.from(config);
        double initStd = config.getDouble("init_std", 0.02);
        double xavierStd = config.getDouble("init_xavier_std", 1.0);
        List<ParamSpec> out = new ArrayList<>(swin(c.backbone(),
                config.object("backbone_config").getDouble("initializer_range", 0.02)));
        out.addAll(pixelDecoder(c));
        out.addAll(transformer(c, xavierStd));
        int labels = config.optObject("id2label").map(o -> o.json().size()).orElse(1);
        linear(out, "class_predictor", new Init.KaimingUniform(), new Init.KaimingUniform(c.hiddenDim()), labels + 1L,
                c.hiddenDim());
        float[] empty = new float[labels + 1];
        java.util.Arrays.fill(empty, 1f);
        empty[labels] = (float) config.getDouble("no_object_weight", 0.1);
        out.add(ParamSpec.of("criterion.empty_weight", new Init.Values(empty), labels + 1L));
        if (initStd <= 0) {
            throw new SegEarthException("Mask2Former config: init_std " + initStd + " must be positive");
        }
        return out;
    }

    /** The Swin backbone's tensors. */
    static List<ParamSpec> swin(SwinConfig c, double std) {
        Init normal = new Init.Normal(std);
        List<ParamSpec> out = new ArrayList<>();
        int e = c.embedDim();
        out.add(ParamSpec.of(ENCODER + "embeddings.patch_embeddings.projection.weight", normal, e, c.numChannels(),
                c.patchSize(), c.patchSize()));
        out.add(ParamSpec.of(ENCODER + "embeddings.patch_embeddings.projection.bias", Init.zeros(), e));
        layerNorm(out, ENCODER + "embeddings.norm", e);
        int[] depths = c.depths();
        int[] heads = c.numHeads();
        long side = 2L * c.windowSize() - 1;
        for (int s = 0; s < depths.length; s++) {
            int d = c.stageDim(s);
            long hidden = (long) (c.mlpRatio() * d);
            for (int b = 0; b < depths[s]; b++) {
                String p = ENCODER + "encoder.layers." + s + ".blocks." + b + ".";
                layerNorm(out, p + "layernorm_before", d);
                for (String proj : List.of("query", "key", "value")) {
                    linear(out, p + "attention.self." + proj, normal, d, d);
                }
                out.add(ParamSpec.of(p + "attention.self.relative_position_bias_table", new Init.TruncNormal(0.02),
                        side * side, heads[s]));
                linear(out, p + "attention.output.dense", normal, d, d);
                layerNorm(out, p + "layernorm_after", d);
                linear(out, p + "intermediate.dense", normal, hidden, d);
                linear(out, p + "output.dense", normal, d, hidden);
            }
            if (s < depths.length - 1) {
                String p = ENCODER + "encoder.layers." + s + ".downsample.";
                layerNorm(out, p + "norm", 4L * d);
                out.add(ParamSpec.of(p + "reduction.weight", normal, 2L * d, 4L * d));
            }
        }
        for (int index : c.outIndices()) {
            layerNorm(out, ENCODER + "hidden_states_norms.stage" + index, c.stageDim(index - 1));
        }
        layerNorm(out, ENCODER + "swin.layernorm", c.stageDim(depths.length - 1));
        return out;
    }

    /** The MSDeformAttn pixel decoder's tensors. */
    static List<ParamSpec> pixelDecoder(Mask2FormerConfig c) {
        Init xavier = new Init.XavierUniform(1);
        int f = c.featureSize();
        int[] out = c.backbone().outIndices();
        if (out.length != LEVELS + 1) {
            throw new SegEarthException("the demo factory makes Mask2Former heads over 4 backbone levels, the config"
                    + " has " + out.length);
        }
        List<ParamSpec> specs = new ArrayList<>();
        int finest = c.backbone().stageDim(out[0] - 1);
        specs.add(ParamSpec.of(DECODER + "adapter_1.0.weight", xavier, f, finest, 1, 1));
        groupNorm(specs, DECODER + "adapter_1.1", f);
        specs.add(ParamSpec.of(DECODER + "layer_1.0.weight", xavier, f, f, 3, 3));
        groupNorm(specs, DECODER + "layer_1.1", f);
        for (int i = 0; i < LEVELS; i++) {
            int channels = c.backbone().stageDim(out[out.length - 1 - i] - 1); // coarsest first
            specs.add(ParamSpec.of(DECODER + "input_projections." + i + ".0.weight", xavier, f, channels, 1, 1));
            specs.add(ParamSpec.of(DECODER + "input_projections." + i + ".0.bias", Init.zeros(), f));
            groupNorm(specs, DECODER + "input_projections." + i + ".1", f);
        }
        specs.add(ParamSpec.of(DECODER + "level_embed", new Init.Normal(1), LEVELS, f));
        specs.add(ParamSpec.of(DECODER + "mask_projection.weight", xavier, c.maskFeatureSize(), f, 1, 1));
        specs.add(ParamSpec.of(DECODER + "mask_projection.bias", Init.zeros(), c.maskFeatureSize()));
        int heads = c.numAttentionHeads();
        for (int i = 0; i < c.encoderLayers(); i++) {
            String p = DECODER + "encoder.layers." + i + ".";
            linear(specs, p + "self_attn.sampling_offsets", Init.zeros(), new Init.Values(samplingGrid(heads)),
                    (long) heads * LEVELS * POINTS * 2, f);
            linear(specs, p + "self_attn.attention_weights", Init.zeros(), (long) heads * LEVELS * POINTS, f);
            linear(specs, p + "self_attn.value_proj", xavier, f, f);
            linear(specs, p + "self_attn.output_proj", xavier, f, f);
            layerNorm(specs, p + "self_attn_layer_norm", f);
            linear(specs, p + "fc1", xavier, c.encoderFeedforwardDim(), f);
            linear(specs, p + "fc2", xavier, f, c.encoderFeedforwardDim());
            layerNorm(specs, p + "final_layer_norm", f);
        }
        return specs;
    }

    /** The masked-attention decoder, the learned queries and level embedding. */
    static List<ParamSpec> transformer(Mask2FormerConfig c, double xavierGain) {
        Init xavier = new Init.XavierUniform(xavierGain);
        int h = c.hiddenDim();
        List<ParamSpec> out = new ArrayList<>();
        if (c.featureSize() != h || c.enforceInputProjection()) {
            for (int i = 0; i < LEVELS; i++) {
                out.add(ParamSpec.of(TRANSFORMER + "input_projections." + i + ".weight", new Init.XavierUniform(1), h,
                        c.featureSize(), 1, 1));
                out.add(ParamSpec.of(TRANSFORMER + "input_projections." + i + ".bias", Init.zeros(), h));
            }
        }
        for (int i = 0; i < c.decoderLayers() - 1; i++) {
            String p = TRANSFORMER + "decoder.layers." + i + ".";
            for (String proj : List.of("q_proj", "k_proj", "v_proj", "out_proj")) {
                linear(out, p + "self_attn." + proj, xavier, h, h);
            }
            layerNorm(out, p + "self_attn_layer_norm", h);
            out.add(ParamSpec.of(p + "cross_attn.in_proj_weight", xavier, 3L * h, h));
            out.add(ParamSpec.of(p + "cross_attn.in_proj_bias", Init.zeros(), 3L * h));
            linear(out, p + "cross_attn.out_proj", xavier, h, h);
            layerNorm(out, p + "cross_attn_layer_norm", h);
            linear(out, p + "fc1", xavier, c.dimFeedforward(), h);
            linear(out, p + "fc2", xavier, h, c.dimFeedforward());
            layerNorm(out, p + "final_layer_norm", h);
        }
        layerNorm(out, TRANSFORMER + "decoder.layernorm", h);
        for (int i = 0; i < 3; i++) {
            long rows = i == 2 ? c.maskFeatureSize() : h;
            linear(out, TRANSFORMER + "decoder.mask_predictor.mask_embedder." + i + ".0", new Init.KaimingUniform(),
                    new Init.KaimingUniform(h), rows, h);
        }
        out.add(ParamSpec.of(TRANSFORMER + "level_embed.weight", new Init.Normal(1), LEVELS, h));
        out.add(ParamSpec.of(TRANSFORMER + "queries_embedder.weight", new Init.Normal(1), c.numQueries(), h));
        out.add(ParamSpec.of(TRANSFORMER + "queries_features.weight", new Init.Normal(1), c.numQueries(), h));
        return out;
    }

    private static void groupNorm(List<ParamSpec> out, String path, long width) {
        layerNorm(out, path, width);
    }

    /**
     * Deformable DETR's initial sampling offsets: head {@code k} looks along the angle
     * {@code 2 pi k / heads} (the direction scaled so its larger coordinate is 1), point {@code i}
     * at {@code i + 1} times that, the same for every level; layout {@code [heads, levels, points, 2]}.
     */
    static float[] samplingGrid(int heads) {
        float[] grid = new float[heads * LEVELS * POINTS * 2];
        int k = 0;
        for (int h = 0; h < heads; h++) {
            double theta = h * (2.0 * Math.PI / heads);
            // float32 like torch: arange(...).float() * (2 pi / heads), then cos/sin
            float cos = (float) Math.cos((float) theta);
            float sin = (float) Math.sin((float) theta);
            float max = Math.max(Math.abs(cos), Math.abs(sin));
            for (int l = 0; l < LEVELS; l++) {
                for (int p = 0; p < POINTS; p++) {
                    grid[k++] = cos / max * (p + 1);
                    grid[k++] = sin / max * (p + 1);
                }
            }
        }
        return grid;
    }
}
