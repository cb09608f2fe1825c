package org.segearth.runtime.text;

import java.util.Set;
import org.segearth.api.SegEarthException;

/**
 * How {@link Generator} picks tokens.
 *
 * <pre>{@code
 * GenerationConfig greedy = GenerationConfig.greedy(128).withStop(tok.eosTokenId()).withHiddenStatesOf(tok.segTokenId());
 * GenerationConfig eval = GenerationConfig.sampling(128, 0.2, 1.0, 42).withTopK(50);   // SegEarth-R2's evaluation
 * }</pre>
 *
 * @param maxNewTokens the most tokens to generate
 * @param temperature 0 for greedy decoding, else the softmax temperature of sampling
 * @param topP nucleus sampling mass in (0, 1] (1 keeps every token)
 * @param seed the sampling seed (the same seed gives the same tokens)
 * @param eosTokenId the token that ends generation (not returned), or -1 for none
 * @param hiddenStateTokens ids whose final-layernorm hidden states are kept (e.g. {@code [SEG]})
 * @param topK when sampling, only the {@code topK} most likely tokens can be drawn (0 keeps every
 *     token); Hugging Face's {@code generate} samples with top-k 50 unless told otherwise, which is
 *     what the official {@code segearth_r2/eval/eval.py} (do_sample=True, no top_k given) gets
 */
public record GenerationConfig(int maxNewTokens, double temperature, double topP, long seed, long eosTokenId,
        Set<Long> hiddenStateTokens, int topK) {

    public GenerationConfig {
        hiddenStateTokens = Set.copyOf(hiddenStateTokens);
        if (maxNewTokens < 0) {
            throw new SegEarthException("max new tokens must be >= 0, found " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new SegEarthException("temperature must be finite and >= 0 (0 = greedy), found " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new SegEarthException("top_p must be in (0, 1], found " + topP);
        }
        if (topK < 0) {
            throw new SegEarthException("top_k must be >= 0 (0 = no top-k filter), found " + topK);
        }
    }

    /** A config without a top-k filter. */
    public GenerationConfig(int maxNewTokens, double temperature, double topP, long seed, long eosTokenId,
            Set<Long> hiddenStateTokens) {
        this(maxNewTokens, temperature, topP, seed, eosTokenId, hiddenStateTokens, 0);
    }

    /** Greedy decoding of up to {@code maxNewTokens}, no stop token. */
    public static GenerationConfig greedy(int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, 0, 1, 0, -1, Set.of());
    }

    /** Sampling with {@code temperature} and nucleus {@code topP}, reproducible with {@code seed}. */
    public static GenerationConfig sampling(int maxNewTokens, double temperature, double topP, long seed) {
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, -1, Set.of());
    }

    /** Whether tokens are sampled (temperature above 0). */
    public boolean sampling() {
        return temperature > 0;
    }

    /** This config stopping at {@code eos} (-1 for never). */
    public GenerationConfig withStop(long eos) {
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, eos, hiddenStateTokens, topK);
    }

    /** This config keeping the hidden states of {@code ids}. */
    public GenerationConfig withHiddenStatesOf(Long... ids) {
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, eosTokenId, Set.of(ids), topK);
    }

    /** This config drawing only among the {@code k} most likely tokens (0: no top-k filter). */
    public GenerationConfig withTopK(int k) {
        return new GenerationConfig(maxNewTokens, temperature, topP, seed, eosTokenId, hiddenStateTokens, k);
    }

    /** This config generating at most {@code n} tokens. */
    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, temperature, topP, seed, eosTokenId, hiddenStateTokens, topK);
    }
}
