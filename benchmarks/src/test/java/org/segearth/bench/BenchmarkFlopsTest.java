package org.segearth.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.segearth.demo.DemoConfig;

/** The benchmark's GFLOP counts against published figures of the same architectures. */
class BenchmarkFlopsTest {

    @Test
    void swinBAt224MatchesThePublishedMultiplyAdds() {
        DemoConfig r = RealScaleModels.config(2);
        DemoConfig swin224 = new DemoConfig(r.visionImageSize(), r.visionPatchSize(), r.visionHidden(),
                r.visionLayers(), r.visionHeads(), r.visionMlp(), r.llmHidden(), r.llmLayers(), r.llmHeads(),
                r.llmMlp(), r.partialRotaryFactor(), r.maxPositions(), r.loraR(), r.loraAlpha(), r.loraDropout(),
                224, 4, 128, new int[] {2, 2, 18, 2}, new int[] {4, 8, 16, 32}, 7, r.headHidden(),
                r.pixelDecoderLayers(), r.pixelDecoderFfn(), r.decoderLayers(), r.headHeads(), r.decoderFfn(),
                r.initializerRange());
        // Swin-B (224, window 7): 15.4 G multiply-adds in the Swin Transformer paper's table 1
        assertEquals(2 * 15.4, Benchmark.swinGflop(swin224), 0.5);
    }

    @Test
    void phiPrefillIsTwoFlopsPerWeightPerTokenPlusAttention() {
        DemoConfig c = RealScaleModels.config(32);
        double weights = 32 * (4.0 * 2560 * 2560 + 2.0 * 2560 * 10240); // Phi-2's decoder matrices, 2.5 B
        int tokens = 829;
        double attention = 32 * 4.0 * tokens * tokens * 2560;
        assertEquals((2 * weights * tokens + attention) / 1e9, Benchmark.phiPrefillGflop(c, tokens), 1e-6);
        assertEquals(2.5, weights / 1e9, 0.05);
    }

    @Test
    void siglipSo400mHasItsParameterCountInItsMatrices() {
        DemoConfig c = RealScaleModels.config(2);
        // 729 tokens, 27 layers of 4 x 1152^2 + 2 x 1152 x 4304 (0.40 B weights) and the projector
        double layerWeights = 27 * (4.0 * 1152 * 1152 + 2.0 * 1152 * 4304);
        assertEquals(0.41, (layerWeights + 1152.0 * 14 * 14 * 3) / 1e9, 0.02);
        double expected = (2 * 729 * (layerWeights + 3 * 14 * 14 * 1152 + 1152.0 * 2560 + 2560.0 * 2560)
                + 27 * 4.0 * 729 * 729 * 1152) / 1e9;
        assertEquals(expected, Benchmark.siglipGflop(c), 1e-6);
    }
}
