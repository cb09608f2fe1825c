package org.segearth.runtime.train.internal;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.checkpoint.SafetensorsFile;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.train.TrainableParameter;
import org.segearth.runtime.train.TrainingConfig;
import org.segearth.spi.LanguageModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the weights a run trains, under the keys they are saved with: {@code adapter.<PEFT key>}
 * (written to {@code adapter/}), {@code mllm.<key>}, {@code mask_head.<key>} and
 * {@code seg_projector.<key>} (written to {@code trained.safetensors}, which overrides the base
 * package's weights by these keys).
 */
public final class TrainableWeights {

    /** Key prefix of the adapter's tensors. */
    public static final String ADAPTER = "adapter.";
    private static final Logger LOG = LoggerFactory.getLogger(TrainableWeights.class);
    private static final String EMBED = "model.embed_tokens.weight";
    private static final String LM_HEAD_BIAS = "lm_head.bias";

    private TrainableWeights() {
    }

    /** The trained weights of {@code model} for {@code config}, with gradients required; the adapter is created when missing. */
    public static List<TrainableParameter> select(SegEarthModel model, TrainingConfig config) {
        LanguageModel lm = model.languageModel();
        if (lm.adapterTensors().isEmpty()) {
            lm.createAdapter(config.lora(), config.seed());
        }
        List<TrainableParameter> out = new ArrayList<>();
        lm.adapterTensors().forEach((k, a) -> out.add(TrainableParameter.of(ADAPTER + k, a)));
        Map<String, NDArray> llm = lm.parameters();
        if (config.trainable() == TrainingConfig.Trainable.EVERYTHING) {
            llm.forEach((k, a) -> {
                if (config.lmHeadBias() || !k.equals(LM_HEAD_BIAS)) {
                    out.add(TrainableParameter.of("mllm." + k, a));
                }
            });
            addAll(out, "mllm.", model.visionEncoder().parameters(), "vision encoder");
            addAll(out, "mask_head.", model.maskEncoder().parameters(), "mask encoder");
        } else {
            llm.forEach((k, a) -> {
                if (k.startsWith("lm_head.") && (config.lmHeadBias() || !k.equals(LM_HEAD_BIAS))) {
                    out.add(TrainableParameter.of("mllm." + k, a));
                }
            });
            if (config.trainSegRow()) {
                out.add(TrainableParameter.row("mllm." + EMBED, require(llm, EMBED), model.segTokenId()));
            }
        }
        Map<String, NDArray> head = model.head().parameters();
        if (head.isEmpty()) {
            LOG.warn("segmentation head '{}' exposes no parameters; it stays frozen (the pixel and transformer"
                    + " decoders train only with a head that implements SegmentationHead.parameters())", model.headName());
        }
        head.forEach((k, a) -> out.add(TrainableParameter.of("mask_head." + k, a)));
        out.add(TrainableParameter.of("seg_projector.weight", model.projector().weight()));
        out.add(TrainableParameter.of("seg_projector.bias", model.projector().bias()));
        out.forEach(TrainableParameter::requireGradient);
        LOG.info("training {} tensors ({} values)", out.size(), out.stream().mapToLong(p -> p.shape().size()).sum());
        return out;
    }

    /**
     * Weights the recipe fixes rather than trains, set in {@code model} and saved with the trained
     * ones: without {@code lmHeadBias}, the base's {@code lm_head.bias} becomes zeros (the official
     * {@code lm_head} is {@code nn.Linear(hidden, 51200, bias=False)}, so Mipha's bias is never
     * loaded). Empty when there is nothing to fix.
     */
    public static Map<String, NDArray> fixed(SegEarthModel model, TrainingConfig config) {
        NDArray bias = model.languageModel().parameters().get(LM_HEAD_BIAS);
        if (config.lmHeadBias() || bias == null) {
            return Map.of();
        }
        bias.muli(0);
        LOG.info("lm_head bias dropped (zero and frozen), as the official model has none");
        return Map.of("mllm." + LM_HEAD_BIAS, bias);
    }

    /**
     * The live weights a run must save although it does not train them: those the base package's
     * own {@code trained.safetensors} overrides (a base that was itself trained: a warm-up, an
     * earlier fine-tune). A run's package links the base's {@code mllm/}, {@code mask_head/} and
     * projector, not the base's overrides, so without these a run that trains a subset (the
     * official one) would save a package whose other weights fall back to the untrained ones.
     * Keys already in {@code saved} (trained or fixed) and adapter keys (the adapter is always
     * saved whole) are left out. Empty for a base without {@code trained.safetensors}.
     */
    public static Map<String, NDArray> baseOverrides(SegEarthModel model, Set<String> saved) {
        Optional<Path> file = model.modelPackage().trained();
        if (file.isEmpty()) {
            return Map.of();
        }
        Set<String> keys;
        try (SafetensorsFile f = SafetensorsFile.open(file.get())) {
            keys = new TreeSet<>(f.tensors().keySet());
        }
        Map<String, NDArray> live = live(model);
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (String key : keys) {
            if (saved.contains(key) || key.startsWith(ADAPTER)) {
                continue;
            }
            NDArray a = live.get(key);
            if (a == null) {
                throw new SegEarthException("the base package's trained.safetensors holds '" + key + "', which no"
                        + " component of the loaded model exposes, so a run from it cannot carry that weight; train"
                        + " everything (TrainingConfig.Trainable.EVERYTHING) or start from a package without it");
            }
            out.put(key, a);
        }
        if (!out.isEmpty()) {
            LOG.info("{} weights of the base's trained.safetensors are carried unchanged", out.size());
        }
        return out;
    }

    /**
     * Every live weight of {@code model} under the key a package saves it with ({@code mllm.},
     * {@code mask_head.}, {@code seg_projector.}; the adapter, saved apart, is not among them).
     */
    public static Map<String, NDArray> live(SegEarthModel model) {
        Map<String, NDArray> live = new LinkedHashMap<>();
        model.languageModel().parameters().forEach((k, a) -> live.put("mllm." + k, a));
        model.visionEncoder().parameters().forEach((k, a) -> live.put("mllm." + k, a));
        model.maskEncoder().parameters().forEach((k, a) -> live.put("mask_head." + k, a));
        model.head().parameters().forEach((k, a) -> live.put("mask_head." + k, a));
        live.put("seg_projector.weight", model.projector().weight());
        live.put("seg_projector.bias", model.projector().bias());
        return live;
    }

    private static void addAll(List<TrainableParameter> out, String prefix, Map<String, NDArray> weights, String what) {
        if (weights.isEmpty()) {
            LOG.warn("the {} exposes no parameters; it stays frozen although everything was asked to train", what);
        }
        weights.forEach((k, a) -> out.add(TrainableParameter.of(prefix + k, a)));
    }

    private static NDArray require(Map<String, NDArray> weights, String key) {
        NDArray a = weights.get(key);
        if (a == null) {
            throw new SegEarthException("the language model exposes no '" + key + "' among its parameters "
                    + weights.keySet() + "; the [SEG] embedding row cannot train");
        }
        return a;
    }
}
