package org.segearth.runtime.text;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.segearth.api.SegEarthException;
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
        int capacity = (int) promptEmbeds.getShape().get(1) + config.maxNewTokens() + 1;
        try (KvCache cache = model.newCache(1, capacity)) {
            return generate(model, cache, promptEmbeds, config);
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
        return new Run(model, config, promptEmbeds.getManager()).generate(promptEmbeds, cache);
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
        private boolean eos;

        Run(LanguageModel model, GenerationConfig config, NDManager out) {
            this.model = model;
            this.config = config;
            this.out = out;
            this.random = new Random(config.seed());
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
                    stateIndices.stream().mapToInt(Integer::intValue).toArray());
        }

        /** Feeds {@code input}, picks the next id and returns its embedding (in {@code tmp}), or null at EOS. */
        private NDArray step(NDArray input, KvCache cache, NDManager tmp, boolean last) {
            LanguageModelOutput o = model.forward(input, cache, LAST);
            o.logits().attach(tmp);
            o.lastHiddenState().attach(tmp);
            keepState(o.lastHiddenState());
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
                        ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.NONE));
                extra.lastHiddenState().attach(tmp);
                keepState(extra.lastHiddenState());
            }
            return embedded;
        }

        /** Keeps the hidden state of the token just fed when it is one the config asks for. */
        private void keepState(NDArray hidden) {
            if (ids.isEmpty() || !config.hiddenStateTokens().contains(ids.get(ids.size() - 1))) {
                return;
            }
            NDArray state = hidden.get(new NDIndex("0, -1, :"));
            state.attach(out);
            states.add(state);
            stateIndices.add(ids.size() - 1);
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
