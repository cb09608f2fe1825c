package org.segearth.heads.mask2former;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segearth.spi.RecordingWeights;
import org.segearth.api.SegEarthException;
import org.segearth.heads.mask2former.internal.Mask2FormerPixelDecoder;
import org.segearth.heads.mask2former.internal.Mask2FormerTransformerModule;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Scalars;
import org.segearth.spi.config.Mask2FormerConfig;
import org.segearth.spi.config.SwinConfig;

/**
 * Mask2Former driven by [SEG] queries: the MSDeformAttn pixel decoder runs once per image, then
 * the masked-attention decoder runs every target as an independent single-query decoder (one
 * batch element per target, zero query position embedding).
 *
 * <pre>{@code
 * Mask2FormerHead head = new Mask2FormerHead(checkpoint, Mask2FormerConfig.from(config));
 * HeadOutput out = head.predict(swin.encode(pixels), segQueries); // [targets, H/4, W/4]
 * }</pre>
 *
 * <p>Keys read: {@code model.pixel_level_module.decoder.*} and {@code model.transformer_module.*}
 * except {@code queries_embedder}/{@code queries_features} (replaced by the [SEG] queries);
 * {@code class_predictor.*} and {@code criterion.*} are not used.
 */
public final class Mask2FormerHead implements SegmentationHead {

    private final Mask2FormerConfig config;
    private final Mask2FormerPixelDecoder pixelDecoder;
    private final Mask2FormerTransformerModule transformerModule;
    private final FeatureSpec inputSpec;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    /**
     * @param checkpoint the checkpoint root (keys {@code model.pixel_level_module.decoder.*},
     *     {@code model.transformer_module.*})
     */
    public Mask2FormerHead(Weights checkpoint, Mask2FormerConfig config) {
        this.config = config;
        Weights root = RecordingWeights.wrap(checkpoint, parameters);
        if (!root.contains("model.transformer_module.decoder.layernorm.weight")) {
            throw new SegEarthException("no Mask2Former decoder in the checkpoint: 'model.transformer_module.decoder."
                    + "layernorm.weight' is missing; pass a Mask2FormerForUniversalSegmentation checkpoint");
        }
        if (config.preNorm()) {
            throw new SegEarthException("Mask2Former: pre_norm=true is not supported; the Mask2Former checkpoints "
                    + "use post-norm decoder layers (pre_norm=false)");
        }
        SwinConfig backbone = config.backbone();
        int[] outIndices = backbone.outIndices();
        int[] strides = config.featureStrides();
        if (strides.length != outIndices.length) {
            throw new SegEarthException("Mask2Former config: feature_strides has " + strides.length
                    + " entries but the backbone outputs " + outIndices.length + " levels; fix config.json");
        }
        int[] channels = new int[outIndices.length];
        List<FeatureSpec.Level> levels = new ArrayList<>();
        for (int i = 0; i < outIndices.length; i++) {
            channels[i] = backbone.stageDim(outIndices[i] - 1);
            levels.add(new FeatureSpec.Level(channels[i], strides[i]));
        }
        inputSpec = new FeatureSpec(levels);
        pixelDecoder = new Mask2FormerPixelDecoder(root.prefix("model.pixel_level_module.decoder"), channels, strides,
                config.featureSize(), config.maskFeatureSize(), config.encoderLayers(), config.encoderFeedforwardDim(),
                config.numAttentionHeads(), config.commonStride(), config.lateralConvRelu());
        transformerModule = new Mask2FormerTransformerModule(root.prefix("model.transformer_module"),
                config.featureSize(), config.hiddenDim(), config.decoderLayers(), config.numAttentionHeads(),
                config.dimFeedforward(), config.maskFeatureSize(), config.activationFunction());
    }

    /** The configuration. */
    public Mask2FormerConfig config() {
        return config;
    }

    @Override
    public FeatureSpec inputSpec() {
        return inputSpec;
    }

    @Override
    public int queryDim() {
        return config.hiddenDim();
    }

    /**
     * The image branch, once per image.
     *
     * @param features the mask encoder's maps, finest first, {@code [1, C_i, H_i, W_i]}
     */
    public PixelFeatures decodePixels(List<NDArray> features) {
        if (features.size() != inputSpec.levels().size()) {
            throw new SegEarthException("Mask2Former: got " + features.size() + " feature maps, expected "
                    + inputSpec.levels().size() + " (" + inputSpec.levels() + ")");
        }
        NDManager caller = features.get(0).getManager();
        try (NDManager scope = caller.newSubManager()) {
            List<NDArray> local = new ArrayList<>();
            for (NDArray f : features) {
                local.add(copy(f, scope));
            }
            Mask2FormerPixelDecoder.Output out = pixelDecoder.forward(local);
            List<NDArray> multi = new ArrayList<>();
            for (NDArray m : out.multiScaleFeatures()) {
                multi.add(keep(m, caller));
            }
            return new PixelFeatures(multi, keep(out.maskFeatures(), caller));
        }
    }

    /**
     * The query branch: every target alone through the masked-attention decoder.
     *
     * @param queries {@code [targets, hidden]}
     * @return the mask logits {@code [targets, 1, H, W]} of the initial state and after every
     *     decoder layer (the last is the final prediction)
     */
    public List<NDArray> decodeQueries(PixelFeatures pixels, NDArray queries) {
        if (queries.getShape().dimension() != 2 || queries.getShape().get(1) != queryDim()) {
            throw new SegEarthException("Mask2Former: queries have shape " + queries.getShape() + ", expected [targets, "
                    + queryDim() + "]; project the [SEG] hidden states to hidden_dim first");
        }
        NDManager caller = queries.getManager();
        try (NDManager scope = caller.newSubManager()) {
            NDArray q = keep(queries, scope);
            List<NDArray> multi = new ArrayList<>();
            for (NDArray m : pixels.multiScaleFeatures()) {
                multi.add(keep(m, scope));
            }
            List<NDArray> predictions = transformerModule.forward(multi, keep(pixels.maskFeatures(), scope), q);
            List<NDArray> out = new ArrayList<>();
            for (NDArray p : predictions) {
                out.add(keep(p, caller));
            }
            return out;
        }
    }

    @Override
    public HeadOutput predict(List<NDArray> features, NDArray queries) {
        NDManager caller = queries.getManager();
        try (NDManager scope = caller.newSubManager()) {
            List<NDArray> local = new ArrayList<>();
            for (NDArray f : features) {
                local.add(keep(f, scope));
            }
            PixelFeatures pixels = decodePixels(local);
            List<NDArray> predictions = decodeQueries(pixels, keep(queries, scope));
            int last = predictions.size() - 1;
            List<NDArray> aux = new ArrayList<>();
            for (int i = 0; i < last; i++) {
                aux.add(keep(predictions.get(i).squeeze(1), caller));
            }
            NDArray finalLogits = keep(predictions.get(last).squeeze(1), caller);
            return new HeadOutput(finalLogits, aux, null, inputSpec.levels().get(0).stride());
        }
    }

    /** Stacks {@code predictions[0..n-1)} like HF's auxiliary logits: {@code [n - 1, ...]}. */
    public static NDArray stackAuxiliary(List<NDArray> predictions) {
        return NDArrays.stack(new NDList(predictions.subList(0, predictions.size() - 1)));
    }

    /**
     * A handle on {@code x} owned by {@code manager}: a view (reshape), not {@code duplicate()},
     * which detaches from autograd and would cut the gradient from the masks to the queries.
     */
    private static NDArray keep(NDArray x, NDManager manager) {
        NDArray view = x.reshape(x.getShape());
        view.attach(manager);
        return view;
    }

    /**
     * Every weight the pixel decoder and the transformer decoder (mask predictor included) read,
     * by checkpoint key, live: q/k/v slices and level rows are taken inside the forward.
     */
    @Override
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    /**
     * A fresh copy of {@code x} (x * 1, bit for bit) that, unlike {@code duplicate()}, stays in the
     * autograd graph: the convolutions see a newly allocated buffer as they did with a copy, which
     * keeps their numerics independent of where the encoder's view starts.
     */
    private static NDArray copy(NDArray x, NDManager manager) {
        NDArray copy = Scalars.mul(x, 1.0);
        copy.attach(manager);
        return copy;
    }

    @Override
    public void close() {
        // the weights belong to the checkpoint's manager, which its owner closes
    }

    /**
     * The image branch's outputs.
     *
     * @param multiScaleFeatures the pixel decoder's maps, coarsest first
     * @param maskFeatures per-pixel embeddings at the finest stride
     */
    public record PixelFeatures(List<NDArray> multiScaleFeatures, NDArray maskFeatures) {
        public PixelFeatures {
            multiScaleFeatures = List.copyOf(multiScaleFeatures);
        }
    }
}
