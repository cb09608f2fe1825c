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
 * with temperature and nucleus (top-p) filtering from a seeded generator. Only ids that have an
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
        NDManager out = promptEmbeds.getManager();
        Random random = new Random(config.seed());
        int rows = model.embeddingRows();
        List<Long> ids = new ArrayList<>();
        List<NDArray> states = new ArrayList<>();
        List<Integer> stateIndices = new ArrayList<>();
        boolean eos = false;
        int capacity = (int) promptEmbeds.getShape().get(1) + config.maxNewTokens() + 1;
        NDManager held = null; // owns the input of the current step
        try (KvCache cache = model.newCache(1, capacity)) {
            NDArray input = promptEmbeds;
            for (int step = 0; step < config.maxNewTokens(); step++) {
                NDManager tmp = out.newSubManager();
                try {
                    LanguageModelOutput o = model.forward(input, cache, LAST);
                    o.logits().attach(tmp);
                    o.lastHiddenState().attach(tmp);
                    keepState(o.lastHiddenState(), ids, config, states, stateIndices, out);
                    float[] logits = o.logits().get(new NDIndex("0, -1, :{}", Math.min(rows, model.vocabSize())))
                            .toFloatArray();
                    long next = config.sampling() ? sample(logits, config, random) : argMax(logits);
                    if (next == config.eosTokenId()) {
                        eos = true;
                        break;
                    }
                    ids.add(next);
                    input = model.embed(tmp.create(new long[] {next}).reshape(1, 1));
                    if (step == config.maxNewTokens() - 1 && config.hiddenStateTokens().contains(next)) {
                        LanguageModelOutput last = model.forward(input, cache,
                                ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.NONE));
                        last.lastHiddenState().attach(tmp);
                        keepState(last.lastHiddenState(), ids, config, states, stateIndices, out);
                    }
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

    /** Keeps the hidden state of the token just fed when it is one the config asks for. */
    private static void keepState(NDArray hidden, List<Long> ids, GenerationConfig config, List<NDArray> states,
            List<Integer> indices, NDManager out) {
        if (ids.isEmpty() || !config.hiddenStateTokens().contains(ids.get(ids.size() - 1))) {
            return;
        }
        NDArray state = hidden.get(new NDIndex("0, -1, :"));
        state.attach(out);
        states.add(state);
        indices.add(ids.size() - 1);
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
     * Temperature, then top-p as Hugging Face's {@code TopPLogitsWarper} (sorted ascending, drop
     * the tokens whose cumulative probability is at most 1 - top_p, always keep the most likely),
     * then a draw from the softmax of what is left.
     */
    static long sample(float[] logits, GenerationConfig config, Random random) {
        int n = logits.length;
        double[] scaled = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            scaled[i] = logits[i] / config.temperature();
            max = Math.max(max, scaled[i]);
        }
        double[] p = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            p[i] = Math.exp(scaled[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < n; i++) {
            p[i] /= sum;
        }
        boolean[] keep = new boolean[n];
        Arrays.fill(keep, true);
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
