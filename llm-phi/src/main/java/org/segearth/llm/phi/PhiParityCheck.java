package org.segearth.llm.phi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.KvCache;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.segearth.spi.config.PhiConfig;

/**
 * Reproduces the {@code phi} reference dump: logits, attentions, hidden states, a KV-cache step
 * against full recomputation, the input-embeddings path, greedy ids, and the PEFT adapter in
 * {@code adapter/} unmerged and merged.
 */
public final class PhiParityCheck implements ParityCheck {

    /** The notes' tolerance for logits and float outputs ("max abs diff 2e-4"). */
    static final double ATOL = 2e-4;
    static final double RTOL = 1e-4;

    @Override
    public String component() {
        return "phi";
    }

    @Override
    public void run(ParityContext context) {
        PhiConfig config = PhiConfig.from(context.config(""));
        Weights io = context.io();
        NDArray ids = io.get("input_ids");
        try (PhiForCausalLM phi = PhiForCausalLM.load(context.checkpoint(""), config)) {
            baseOutputs(context, phi, ids);
            stepOutputs(context, phi, ids, io.get("step_input_id"));
            NDArray prompt = io.get("prompt_embeds");
            LanguageModelOutput out = phi.forward(prompt);
            context.compare("prompt_embeds_logits", out.logits(), ATOL, RTOL);
            context.compareExact("greedy_ids", greedy(phi, prompt, (int) io.shapeOf("greedy_ids")[1]));
        }
        LoraConfig lora = LoraConfig.from(JsonConfig.read(context.directory().resolve("adapter/adapter_config.json")));
        try (PhiForCausalLM phi = PhiForCausalLM.load(context.checkpoint(""), config)) {
            phi.applyAdapter(lora, context.checkpoint("adapter"), false);
            LanguageModelOutput out = phi.forward(phi.embed(ids), null,
                    ForwardOptions.DEFAULT.withAttentions(AttentionCapture.all()));
            context.compare("lora_logits", out.logits(), ATOL, RTOL);
            context.compare("lora_attentions", NDArrays.stack(new NDList(out.attentions())), ATOL, RTOL);
        }
        try (PhiForCausalLM phi = PhiForCausalLM.load(context.checkpoint(""), config)) {
            phi.applyAdapter(lora, context.checkpoint("adapter"), true);
            context.compare("lora_merged_logits", phi.forward(phi.embed(ids)).logits(), ATOL, RTOL);
        }
    }

    private static void baseOutputs(ParityContext context, PhiForCausalLM phi, NDArray ids) {
        LanguageModelOutput out = phi.forward(phi.embed(ids), null,
                ForwardOptions.DEFAULT.withAttentions(AttentionCapture.all()).withHiddenStates(true));
        context.compare("logits", out.logits(), ATOL, RTOL);
        context.compare("last_hidden_state", out.lastHiddenState(), ATOL, RTOL);
        context.compare("attentions", NDArrays.stack(new NDList(out.attentions())), ATOL, RTOL);
        context.compare("hidden_states", NDArrays.stack(new NDList(out.hiddenStates())), ATOL, RTOL);
    }

    private static void stepOutputs(ParityContext context, PhiForCausalLM phi, NDArray ids, NDArray stepId) {
        try (KvCache cache = phi.newCache(1, (int) ids.getShape().get(1))) {
            phi.forward(phi.embed(ids), cache, ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST));
            LanguageModelOutput step = phi.forward(phi.embed(stepId), cache, ForwardOptions.DEFAULT);
            context.compare("step_logits", step.logits(), ATOL, RTOL);
        }
        NDArray all = ids.concat(stepId, 1);
        LanguageModelOutput full = phi.forward(phi.embed(all), null,
                ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST));
        context.compare("step_logits_full_recompute", full.logits(), ATOL, RTOL);
    }

    /** Greedy decoding after {@code prompt} with the KV cache, no stop token. */
    static NDArray greedy(LanguageModel model, NDArray prompt, int steps) {
        NDManager manager = prompt.getManager();
        long[] out = new long[steps];
        ForwardOptions last = ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST);
        try (KvCache cache = model.newCache(1, (int) prompt.getShape().get(1) + steps);
                NDManager tmp = manager.newSubManager()) {
            NDArray input = prompt;
            for (int i = 0; i < steps; i++) {
                LanguageModelOutput o = model.forward(input, cache, last);
                o.logits().attach(tmp);
                NDArray logits = o.logits().get(new NDIndex("0, -1, :{}", model.embeddingRows()));
                out[i] = logits.argMax().getLong();
                input = model.embed(tmp.create(new long[] {out[i]}).reshape(1, 1));
                input.attach(tmp);
            }
        }
        return manager.create(out).reshape(1, steps).toType(DataType.INT64, false);
    }
}
