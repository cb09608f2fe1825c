package org.segearth.encoders.swin;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segearth.spi.RecordingWeights;
import org.segearth.api.SegEarthException;
import org.segearth.encoders.swin.internal.SwinEmbeddings;
import org.segearth.encoders.swin.internal.SwinOps;
import org.segearth.encoders.swin.internal.SwinStage;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SwinConfig;
import org.segearth.spi.nn.LayerNorm;

/**
 * Hugging Face {@code SwinBackbone}: patch embeddings, the stages, and a layer norm
 * ({@code hidden_states_norms.stageN}) on each selected stage's output before its downsampling,
 * returned as NCHW maps (strides 4, 8, 16, 32 for patch size 4).
 *
 * <p>As in HF, every block pads its map to a multiple of the window (zeros after the layer norm,
 * not masked) and odd blocks shift by half a window with the region mask, on every stage: HF's
 * {@code SwinBackbone} runs its stages with {@code always_partition=True}, so a stage whose
 * smaller side is at most the window keeps the configured window and shift and is padded up to
 * the window (the window shrinking of {@code set_shift_and_window_size} belongs to
 * {@code SwinModel} only). The
 * key {@code swin.layernorm.*} that Mask2Former checkpoints carry is not used by
 * {@code SwinBackbone} and is not read.
 *
 * <pre>{@code
 * try (SwinBackbone swin = new SwinBackbone(SwinBackbone.locate(checkpoint), config)) {
 *     List<NDArray> maps = swin.encode(pixelValues);
 * }
 * }</pre>
 */
public final class SwinBackbone implements MaskEncoder {

    /** Where a Mask2Former checkpoint keeps its Swin backbone. */
    public static final String MASK2FORMER_PREFIX = "model.pixel_level_module.encoder";

    private final SwinConfig config;
    private final SwinEmbeddings embeddings;
    private final List<SwinStage> stages = new ArrayList<>();
    private final List<LayerNorm> hiddenStatesNorms = new ArrayList<>(); // per out stage, [stage dim]
    private final FeatureSpec outputSpec;
    private final Map<String, NDArray> parameters = new LinkedHashMap<>();

    /**
     * @param located the view holding {@code embeddings.*}, {@code encoder.layers.*} and
     *     {@code hidden_states_norms.*} (see {@link #locate})
     */
    public SwinBackbone(Weights located, SwinConfig config) {
        this.config = config;
        Weights weights = RecordingWeights.wrap(located, parameters);
        double eps = config.layerNormEps();
        if (config.useAbsoluteEmbeddings()) {
            throw new SegEarthException("Swin: use_absolute_embeddings=true is not supported; the Mask2Former Swin "
                    + "checkpoints use false");
        }
        if (!"gelu".equals(config.hiddenAct())) {
            throw new SegEarthException("Swin: hidden_act '" + config.hiddenAct() + "' is not supported; the Swin "
                    + "checkpoints use 'gelu'");
        }
        embeddings = new SwinEmbeddings(weights.prefix("embeddings"), config.numChannels(), config.patchSize(),
                config.embedDim(), eps);
        int[] depths = config.depths();
        int[] heads = config.numHeads();
        for (int i = 0; i < depths.length; i++) {
            stages.add(new SwinStage(weights.prefix("encoder.layers." + i), config.stageDim(i), depths[i], heads[i],
                    config.windowSize(), config.mlpRatio(), config.qkvBias(), eps, i < depths.length - 1));
        }
        List<FeatureSpec.Level> levels = new ArrayList<>();
        for (int index : config.outIndices()) {
            if (index < 1 || index > depths.length) {
                throw new SegEarthException("Swin: out_indices " + Arrays.toString(config.outIndices())
                        + " must name stages 1.." + depths.length + " (the stem is not supported)");
            }
            int dim = config.stageDim(index - 1);
            hiddenStatesNorms.add(LayerNorm.load(weights.prefix("hidden_states_norms.stage" + index), dim, eps));
            levels.add(new FeatureSpec.Level(dim, config.patchSize() << (index - 1)));
        }
        outputSpec = new FeatureSpec(levels);
    }

    /**
     * The view of the backbone's keys in {@code root}: a Mask2Former checkpoint
     * ({@value #MASK2FORMER_PREFIX}) or a bare {@code SwinBackbone} one.
     */
    public static Weights locate(Weights root) {
        if (root.contains(MASK2FORMER_PREFIX + ".embeddings.norm.weight")) {
            return root.prefix(MASK2FORMER_PREFIX);
        }
        if (root.contains("embeddings.norm.weight")) {
            return root;
        }
        throw new SegEarthException("no Swin backbone in the checkpoint " + (root.scope().isEmpty() ? "" : root.scope())
                + ": neither '" + MASK2FORMER_PREFIX + ".embeddings.norm.weight' nor 'embeddings.norm.weight' exists;"
                + " pass a Mask2Former (Swin) or SwinBackbone checkpoint");
    }

    /** The configuration. */
    public SwinConfig config() {
        return config;
    }

    @Override
    public FeatureSpec outputSpec() {
        return outputSpec;
    }

    @Override
    public List<NDArray> encode(NDArray pixelValues) {
        NDManager caller = pixelValues.getManager();
        List<NDArray> out = new ArrayList<>();
        try (NDManager scope = caller.newSubManager()) {
            NDArray input = pixelValues.duplicate();
            input.attach(scope);
            SwinEmbeddings.Result e = embeddings.forward(input);
            NDArray hidden = e.tokens();
            int height = e.height();
            int width = e.width();
            int[] outIndices = config.outIndices();
            for (int i = 0; i < stages.size(); i++) {
                SwinStage.Result r = stages.get(i).forward(hidden, height, width);
                int slot = indexOf(outIndices, i + 1);
                if (slot >= 0) {
                    NDArray normed = hiddenStatesNorms.get(slot).forward(r.beforeDownsampling());
                    long b = normed.getShape().get(0);
                    long c = normed.getShape().get(2);
                    // a view, not duplicate(): duplicate() detaches from autograd and would cut the
                    // gradient to the encoder's weights when it is trained
                    NDArray map = normed.reshape(b, height, width, c).transpose(0, 3, 1, 2);
                    map.attach(caller);
                    out.add(map);
                }
                hidden = r.hidden();
                height = r.height();
                width = r.width();
            }
        }
        return out;
    }

    private static int indexOf(int[] values, int value) {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** Every weight the forward reads, by full checkpoint key, live (the bias table is gathered per call). */
    @Override
    public Map<String, NDArray> parameters() {
        return Collections.unmodifiableMap(parameters);
    }

    @Override
    public void close() {
        // the weights belong to the checkpoint's manager, which its owner closes
    }
}
