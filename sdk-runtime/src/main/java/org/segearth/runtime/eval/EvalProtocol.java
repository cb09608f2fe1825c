package org.segearth.runtime.eval;

import org.segearth.runtime.text.GenerationConfig;

/**
 * How a benchmark is scored: the prompt, the decoding and the frame the IoU is computed in.
 *
 * <pre>{@code
 * Evaluator.builder().protocol(EvalProtocol.OFFICIAL).function(OfficialProtocol.function(segmenter, 42))
 * }</pre>
 */
public enum EvalProtocol {
    /**
     * The SDK's: the package's conversation template, the segmenter's decoding (greedy unless it
     * was built with a temperature), and IoU at the image's original size (predictions are
     * cropped out of the letterbox frame and resized back, ground truth is used as it is).
     */
    SDK,
    /**
     * The official {@code segearth_r2/eval/eval.py}: the {@code llava_phi} conversation with its
     * instruction prefix ({@code DEFAULT_PREFIX_INST}, {@code preprocess_instruction}), sampling
     * at temperature 0.2 ({@code Arguments.temperature}, {@code do_sample=True}) with Hugging
     * Face's default top-k 50 and top-p 1, at most 128 new tokens, and IoU in the padded square
     * frame ({@code do_eval}): each prediction is the head's logits resized bilinearly to the
     * whole 1024x1024 letterbox frame, padding included ({@code SegEarthR2.inference}), and the
     * ground truth is squashed to 1024x1024 ({@code F.interpolate(gt_mask, size=(1024, 1024),
     * mode="bilinear")} on the uint8 mask, then {@code > 0}). The sampling is seeded here; the
     * official run draws from torch's unseeded generator.
     */
    OFFICIAL;

    /** The conversation template of the official evaluation ({@code version: str = 'llava_phi'}). */
    public static final String OFFICIAL_TEMPLATE = "llava_phi";
    /** {@code Arguments.temperature} of {@code eval.py}. */
    public static final double OFFICIAL_TEMPERATURE = 0.2;
    /** Hugging Face {@code GenerationConfig.top_k}'s default, which {@code model.generate} samples with. */
    public static final int OFFICIAL_TOP_K = 50;
    /** {@code Arguments.max_new_tokens} of {@code eval.py}. */
    public static final int OFFICIAL_MAX_NEW_TOKENS = 128;

    /** The official decoding with {@code seed}. */
    public static GenerationConfig officialGeneration(long seed) {
        return GenerationConfig.sampling(OFFICIAL_MAX_NEW_TOKENS, OFFICIAL_TEMPERATURE, 1.0, seed)
                .withTopK(OFFICIAL_TOP_K);
    }

    /** The name used in reports and on the command line. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
