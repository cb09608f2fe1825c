package org.segearth.llm.phi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.llm.phi.internal.Linear;
import org.segearth.llm.phi.internal.LoraWeights;
import org.segearth.llm.phi.internal.PhiDecoderLayer;
import org.segearth.llm.phi.internal.PhiKvCache;
import org.segearth.llm.phi.internal.PhiLora;
import org.segearth.llm.phi.internal.PhiModel;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.KvCache;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.Weights;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.PhiConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code PhiForCausalLM}: the Phi decoder ({@code model.*}) and {@code lm_head} (with or without
 * bias, possibly wider than the embedding table as in Mipha-3B).
 *
 * <pre>{@code
 * try (PhiForCausalLM phi = PhiForCausalLM.load(checkpoint, PhiConfig.from(config))) {
 *     LanguageModelOutput out = phi.forward(phi.embed(ids));
 * }
 * }</pre>
 */
public final class PhiForCausalLM implements LanguageModel {

    private static final Logger LOG = LoggerFactory.getLogger(PhiForCausalLM.class);
    private static final String[] ATTENTION_NAMES = {"q_proj", "k_proj", "v_proj", "dense"};
    private static final String[] MLP_NAMES = {"fc1", "fc2"};

    private final PhiConfig config;
    private volatile float embedDropout; // embd_pdrop in training, else 0
    private final NDManager manager;
    private final PhiModel model;
    private final Linear lmHead; // [vocab, hidden]
    private final Map<String, Linear> modules;
    private final Map<String, LoraWeights> adapter = new LinkedHashMap<>();
    private NDManager adapterManager;
    private boolean closed;

    private PhiForCausalLM(PhiConfig config, NDManager manager, PhiModel model, Linear lmHead) {
        this.config = config;
        this.manager = manager;
        this.model = model;
        this.lmHead = lmHead;
        this.modules = moduleMap();
    }

    /**
     * Loads Phi from a checkpoint view whose keys are {@code model.*} and {@code lm_head.*} (Phi-2,
     * Mipha-3B; other keys such as Mipha's vision tower are left alone).
     */
    public static PhiForCausalLM load(Weights weights, PhiConfig config) {
        NDManager manager = weights.manager().newSubManager();
        try {
            PhiModel model = PhiModel.load(weights.prefix("model"), config, manager);
            Linear lmHead = loadLmHead(weights, config, model, manager);
            PhiForCausalLM phi = new PhiForCausalLM(config, manager, model, lmHead);
            LOG.debug("Phi loaded: {} layers, hidden {}, {} embedding rows, lm_head {} wide", config.numHiddenLayers(),
                    config.hiddenSize(), phi.embeddingRows(), phi.vocabSize());
            return phi;
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    private static Linear loadLmHead(Weights w, PhiConfig config, PhiModel model, NDManager manager) {
        if (!w.contains("lm_head.weight")) {
            if (config.tieWordEmbeddings()) {
                return Linear.of("lm_head", model.embedTokens().weight(), null);
            }
            throw new SegEarthException("checkpoint has no 'lm_head.weight' and tie_word_embeddings is false;"
                    + " is it a Phi checkpoint (keys model.* and lm_head.*)?");
        }
        long rows = w.shapeOf("lm_head.weight")[0];
        if (rows < model.embedTokens().rows()) {
            throw new SegEarthException("lm_head has " + rows + " rows, fewer than the " + model.embedTokens().rows()
                    + " rows of embed_tokens; the checkpoint is inconsistent");
        }
        return Linear.load(w, "lm_head", rows, config.hiddenSize(), false, manager);
    }

    private Map<String, Linear> moduleMap() {
        Map<String, Linear> out = new LinkedHashMap<>();
        List<PhiDecoderLayer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            List<Linear> linears = layers.get(i).linears();
            for (int j = 0; j < ATTENTION_NAMES.length; j++) {
                out.put("model.layers." + i + ".self_attn." + ATTENTION_NAMES[j], linears.get(j));
            }
            for (int j = 0; j < MLP_NAMES.length; j++) {
                out.put("model.layers." + i + ".mlp." + MLP_NAMES[j], linears.get(ATTENTION_NAMES.length + j));
            }
        }
        out.put("lm_head", lmHead);
        return out;
    }

    /** The configuration the model was built from. */
    public PhiConfig config() {
        return config;
    }

    @Override
    public int hiddenSize() {
        return config.hiddenSize();
    }

    @Override
    public int embeddingRows() {
        return model.embedTokens().rows();
    }

    @Override
    public int vocabSize() {
        return (int) lmHead.outFeatures();
    }

    @Override
    public int eosTokenId() {
        return config.eosTokenId();
    }

    @Override
    public int numLayers() {
        return model.layers().size();
    }

    @Override
    public NDArray embed(NDArray ids) {
        ensureOpen();
        if (ids.getShape().dimension() != 2) {
            throw new SegEarthException("token ids must be [batch, length], found " + ids.getShape());
        }
        return model.embedTokens().forward(ids);
    }

    @Override
    public PhiKvCache newCache(int batch, int capacity) {
        ensureOpen();
        return new PhiKvCache(manager, numLayers(), batch, config.numKeyValueHeads(), config.headDim(), capacity);
    }

    @Override
    public LanguageModelOutput forward(NDArray inputsEmbeds, KvCache cache, ForwardOptions options) {
        ensureOpen();
        if (inputsEmbeds.getShape().dimension() != 3 || inputsEmbeds.getShape().get(2) != hiddenSize()) {
            throw new SegEarthException("input embeddings must be [batch, tokens, " + hiddenSize() + "], found "
                    + inputsEmbeds.getShape());
        }
        PhiKvCache kv = phiCache(cache, inputsEmbeds.getShape().get(0));
        NDManager out = inputsEmbeds.getManager();
        try (NDManager tmp = out.newSubManager()) {
            NDArray x = inputsEmbeds.reshape(inputsEmbeds.getShape());
            x.attach(tmp);
            float embd = embedDropout;
            if (embd > 0) {
                x = ai.djl.nn.norm.Dropout.dropout(x, embd, true).singletonOrThrow();
            }
            PhiModel.Output o = model.forward(x, kv, options.attentions(), options.hiddenStates());
            NDArray logits = switch (options.logits()) {
                case ALL -> lmHead.forward(o.lastHiddenState());
                case LAST -> lmHead.forward(o.lastHiddenState().get(new NDIndex(":, -1:, :")));
                case NONE -> null;
            };
            List<NDArray> keep = new ArrayList<>(o.attentions());
            keep.addAll(o.hiddenStates());
            keep.add(o.lastHiddenState());
            if (logits != null) {
                keep.add(logits);
            }
            keep.forEach(a -> a.attach(out));
            return new LanguageModelOutput(logits, o.lastHiddenState(), o.attentions(), o.hiddenStates());
        }
    }

    private static PhiKvCache phiCache(KvCache cache, long batch) {
        if (cache == null) {
            return null;
        }
        if (!(cache instanceof PhiKvCache kv)) {
            throw new SegEarthException("Phi needs a cache made by its own newCache(), got " + cache.getClass().getName());
        }
        if (kv.batchSize() != batch) {
            throw new SegEarthException("the KV cache was made for batch " + kv.batchSize() + ", the input has batch " + batch);
        }
        return kv;
    }

    @Override
    public void applyAdapter(LoraConfig loraConfig, Weights weights, boolean merge) {
        ensureOpen();
        Map<String, Linear> targets = PhiLora.targets(modules, loraConfig);
        Map<String, LoraWeights> pairs = PhiLora.read(weights, modules, loraConfig, adapterManager());
        for (Map.Entry<String, LoraWeights> e : pairs.entrySet()) {
            if (!targets.containsKey(e.getKey())) {
                LOG.warn("LoRA adapter wraps {} which target_modules {} does not name; applying it anyway", e.getKey(),
                        loraConfig.targetModules());
            }
            Linear linear = modules.get(e.getKey());
            if (merge) {
                linear.merge(e.getValue());
            } else {
                linear.setLora(e.getValue());
                adapter.put(e.getKey(), e.getValue());
            }
        }
        LOG.debug("LoRA adapter applied {} to {} modules (scale {})", merge ? "merged" : "unmerged", pairs.size(),
                loraConfig.scale());
    }

    @Override
    public void createAdapter(LoraConfig loraConfig, long seed) {
        ensureOpen();
        Map<String, LoraWeights> pairs = PhiLora.create(PhiLora.targets(modules, loraConfig), loraConfig, seed,
                adapterManager());
        pairs.forEach((path, pair) -> {
            modules.get(path).setLora(pair);
            adapter.put(path, pair);
        });
    }

    @Override
    public void setTraining(boolean training) {
        setTraining(training, true);
    }

    /**
     * LoRA dropout in training, and with {@code modelDropout} the config's {@code resid_pdrop} on
     * each decoder branch and {@code embd_pdrop} on the input embeddings (transformers 4.38's
     * {@code PhiDecoderLayer} and {@code PhiModel}; Phi-2's config has resid_pdrop 0.1).
     */
    @Override
    public void setTraining(boolean training, boolean modelDropout) {
        modules.values().forEach(linear -> linear.setTraining(training));
        boolean drop = training && modelDropout;
        model.layers().forEach(layer -> layer.setResidDropout(drop ? config.residPdrop() : 0));
        embedDropout = drop ? (float) config.embdPdrop() : 0;
    }

    @Override
    public Map<String, NDArray> parameters() {
        ensureOpen();
        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("model.embed_tokens.weight", model.embedTokens().weight());
        List<PhiDecoderLayer> layers = model.layers();
        for (int i = 0; i < layers.size(); i++) {
            out.put("model.layers." + i + ".input_layernorm.weight", layers.get(i).inputLayernorm().weight());
            out.put("model.layers." + i + ".input_layernorm.bias", layers.get(i).inputLayernorm().bias());
        }
        out.put("model.final_layernorm.weight", model.finalLayernorm().weight());
        out.put("model.final_layernorm.bias", model.finalLayernorm().bias());
        modules.forEach((path, linear) -> {
            out.put(path + ".weight", linear.weight());
            if (linear.bias() != null) {
                out.put(path + ".bias", linear.bias());
            }
        });
        return out;
    }

    /** Folds the unmerged adapter into the base weights (for inference without the extra matmuls). */
    public void mergeAdapter() {
        ensureOpen();
        adapter.forEach((path, pair) -> modules.get(path).merge(pair));
        adapter.clear();
    }

    @Override
    public Map<String, NDArray> adapterTensors() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        adapter.forEach((path, pair) -> {
            out.put(PhiLora.key(path, true), pair.loraA());
            out.put(PhiLora.key(path, false), pair.loraB());
        });
        return out;
    }

    private NDManager adapterManager() {
        if (adapterManager == null) {
            adapterManager = manager.newSubManager();
        }
        return adapterManager;
    }

    private void ensureOpen() {
        if (closed) {
            throw new SegEarthException("this Phi model is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
