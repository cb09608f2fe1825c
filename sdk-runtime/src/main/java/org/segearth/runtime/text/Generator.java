package org.segearth.runtime.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import org.segearth.api.SegEarthException;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.KvCache;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;

/**
 * Autoregressive generation on a {@link LanguageModel} with its KV cache: greedy, or sampling
 * with temperature, top-k and nucleus (top-p) filtering from a seeded generator. Only ids that have an
 * embedding row can come out (the lm_head may be wider than the vocabulary).
 *
 * <pre>{@code
 * Generation g = new Generator().generate(model, promptEmbeds,
 *         GenerationConfig.greedy(128).withStop(tok.eosTokenId()).withHiddenStatesOf(tok.segTokenId()));
 * String answer = g.text(tok);
 * }</pre>
 */
public final class Generator {

    private static final ForwardOptions LAST = ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST);

    /** Generates after {@code promptEmbeds} ({@code [1, length, hidden]}). */
    public Generation generate(LanguageModel model, NDArray promptEmbeds, GenerationConfig config) {
        if (promptEmbeds.getShape().dimension() != 3 || promptEmbeds.getShape().get(0) != 1) {
            throw new SegEarthException("generation takes one prompt [1, length, hidden], found " + promptEmbeds.getShape());
        }
        return generate(model, promptEmbeds, config, null);
    }

    /**
     * Generates after {@code promptEmbeds} and also keeps, for every token whose hidden state the
     * config asks for, its attention probabilities at the key positions {@code attentionColumns}
     * (e.g. the image tokens): the row of the step that feeds the token, from the KV cache, which
     * equals its row in a teacher-forced pass over the same sequence.
     */
    public Generation generate(LanguageModel model, NDArray promptEmbeds, GenerationConfig config,
            int[] attentionColumns) {
        if (promptEmbeds.getShape().dimension() != 3 || promptEmbeds.getShape().get(0) != 1) {
            throw new SegEarthException("generation takes one prompt [1, length, hidden], found " + promptEmbeds.getShape());
        }
        int capacity = (int) promptEmbeds.getShape().get(1) + config.maxNewTokens() + 1;
        try (KvCache cache = model.newCache(1, capacity)) {
            return new Run(model, config, promptEmbeds.getManager(), attentionColumns).generate(promptEmbeds, cache);
        }
    }

    /**
     * Generates after what {@code cache} holds followed by {@code promptEmbeds}; the cache (the
     * caller's) is extended. With {@link KvCache#truncate} a shared prefix serves several prompts.
     */
    public Generation generate(LanguageModel model, KvCache cache, NDArray promptEmbeds, GenerationConfig config) {
        if (promptEmbeds.getShape().dimension() != 3 || promptEmbeds.getShape().get(0) != 1) {
            throw new SegEarthException("generation takes one prompt [1, length, hidden], found " + promptEmbeds.getShape());
        }
        return new Run(model, config, promptEmbeds.getManager(), null).generate(promptEmbeds, cache);
    }

    /** The state of one generation. */
    private static final class Run {
        private final LanguageModel model;
        private final GenerationConfig config;
        private final NDManager out;
        private final Random random;
        private final List<Long> ids = new ArrayList<>();
        private final List<NDArray> states = new ArrayList<>();
        private final List<Integer> stateIndices = new ArrayList<>();
        /** Key positions whose attention the kept tokens' rows are captured at, or null. */
        private final int[] attentionColumns;
        /** Per kept token, per layer {@code [1, heads, 1, columns]}. */
        private final List<List<NDArray>> stateAttentions = new ArrayList<>();
        private boolean eos;

        Run(LanguageModel model, GenerationConfig config, NDManager out, int[] attentionColumns) {
            this.model = model;
            this.config = config;
            this.out = out;
            this.random = new Random(config.seed());
            this.attentionColumns = attentionColumns == null ? null : attentionColumns.clone();
        }

        Generation generate(NDArray prompt, KvCache cache) {
            NDManager held = null; // owns the input of the current step
            try {
                NDArray input = prompt;
                for (int step = 0; step < config.maxNewTokens() && !eos; step++) {
                    NDManager tmp = out.newSubManager();
                    try {
                        input = step(input, cache, tmp, step == config.maxNewTokens() - 1);
                    } finally {
                        if (held != null) {
                            held.close();
                        }
                        held = tmp;
                    }
                }
            } finally {
                if (held != null) {
                    held.close();
                }
            }
            return new Generation(ids.stream().mapToLong(Long::longValue).toArray(), eos, states,
                    stateIndices.stream().mapToInt(Integer::intValue).toArray(), attentionsByLayer());
        }

        /** Feeds {@code input}, picks the next id and returns its embedding (in {@code tmp}), or null at EOS. */
        private NDArray step(NDArray input, KvCache cache, NDManager tmp, boolean last) {
            // the hidden state of a kept token comes out of the step that feeds it (the one after it was picked)
            LanguageModelOutput o = model.forward(input, cache, withCapture(LAST));
            o.logits().attach(tmp);
            o.lastHiddenState().attach(tmp);
            o.attentions().forEach(a -> a.attach(tmp));
            keepState(o);
            int allowed = Math.min(model.embeddingRows(), model.vocabSize());
            float[] logits = o.logits().get(new NDIndex("0, -1, :{}", allowed)).toFloatArray();
            long next = config.sampling() ? sample(logits, config, random) : argMax(logits);
            if (next == config.eosTokenId()) {
                eos = true;
                return null;
            }
            ids.add(next);
            NDArray embedded = model.embed(tmp.create(new long[] {next}).reshape(1, 1));
            if (last && config.hiddenStateTokens().contains(next)) {
                // the last token's hidden state needs one more forward
                LanguageModelOutput extra = model.forward(embedded, cache,
                        withCapture(ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.NONE)));
                extra.lastHiddenState().attach(tmp);
                extra.attentions().forEach(a -> a.attach(tmp));
                keepState(extra);
            }
            return embedded;
        }

        /** Whether the token fed next (the last id picked) is one whose state is kept. */
        private boolean feedingKept() {
            return !ids.isEmpty() && config.hiddenStateTokens().contains(ids.get(ids.size() - 1));
        }

        /** {@code options} capturing the fed token's attention at the asked columns when it is kept. */
        private ForwardOptions withCapture(ForwardOptions options) {
            return attentionColumns != null && feedingKept()
                    ? options.withAttentions(AttentionCapture.slice(null, attentionColumns)) : options;
        }

        /** Keeps the hidden state (and attentions) of the token just fed when it is one the config asks for. */
        private void keepState(LanguageModelOutput o) {
            if (!feedingKept()) {
                return;
            }
            NDArray state = o.lastHiddenState().get(new NDIndex("0, -1, :"));
            state.attach(out);
            states.add(state);
            stateIndices.add(ids.size() - 1);
            if (attentionColumns != null) {
                List<NDArray> layers = new ArrayList<>(o.attentions());
                layers.forEach(a -> a.attach(out));
                stateAttentions.add(layers);
            }
        }

        /** Per layer, the kept tokens' rows side by side: {@code [1, heads, states, columns]}. */
        private List<NDArray> attentionsByLayer() {
            if (stateAttentions.isEmpty()) {
                return List.of();
            }
            List<NDArray> byLayer = new ArrayList<>();
            for (int layer = 0; layer < stateAttentions.get(0).size(); layer++) {
                NDList rows = new NDList();
                for (List<NDArray> state : stateAttentions) {
                    rows.add(state.get(layer));
                }
                NDArray joined = rows.size() == 1 ? rows.get(0) : NDArrays.concat(rows, 2);
                joined.attach(out);
                byLayer.add(joined);
            }
            if (stateAttentions.size() > 1) {
                stateAttentions.forEach(state -> state.forEach(NDArray::close));
            }
            return byLayer;
        }
    }

    /** The first index of the largest value. */
    static long argMax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) {
            if (logits[i] > logits[best]) {
                best = i;
            }
        }
        return best;
    }

    /**
     * Hugging Face's sampling warpers in their order: temperature, then top-k
     * ({@code TopKLogitsWarper}: tokens below the k-th largest logit go, ties stay), then top-p
     * ({@code TopPLogitsWarper}, on what top-k left: sorted ascending, drop the tokens whose
     * cumulative probability is at most 1 - top_p, always keep the most likely), then a draw from
     * the softmax of what is left.
     */
    static long sample(float[] logits, GenerationConfig config, Random random) {
        int n = logits.length;
        double[] scaled = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            scaled[i] = logits[i] / config.temperature();
            max = Math.max(max, scaled[i]);
        }
        boolean[] keep = new boolean[n];
        Arrays.fill(keep, true);
        if (config.topK() > 0 && config.topK() < n) {
            double[] sorted = scaled.clone();
            Arrays.sort(sorted);
            double kth = sorted[n - config.topK()];
            for (int i = 0; i < n; i++) {
                keep[i] = scaled[i] >= kth;
            }
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = keep[i] ? Math.exp(scaled[i] - max) : 0;
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        if (config.topP() < 1) {
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[a], p[b]));
            double cumulative = 0;
            for (int k = 0; k < n - 1; k++) {
                cumulative += p[order[k]];
                if (cumulative <= 1 - config.topP()) {
                    keep[order[k]] = false;
                }
            }
        }
        double kept = 0;
        for (int i = 0; i < n; i++) {
            kept += keep[i] ? p[i] : 0;
        }
        double u = random.nextDouble() * kept;
        int last = -1;
        for (int i = 0; i < n; i++) {
            if (keep[i]) {
                last = i;
                u -= p[i];
                if (u < 0) {
                    return i;
                }
            }
        }
        return last;
    }
}
