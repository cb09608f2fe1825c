package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.train.internal.PreparedSample;
import org.segearth.runtime.train.internal.TrainableWeights;

/**
 * With every weight trainable, the mask and text losses reach every weight of the head, the Swin
 * encoder, the SigLIP tower and the projectors, the gradients repeat bitwise, and a trained
 * package reloads with its trained head and encoder weights.
 */
class EverythingTrainableTest {

    /**
     * Weights that legitimately get no gradient: with one query per target the decoder's
     * self-attention softmax runs over a single key (always 1), so its q/k projections do not
     * matter; the SigLIP tower returns the hidden state of mm_vision_select_layer (-2), so its last
     * layer and post_layernorm do not reach the features.
     */
    private static final Pattern NO_GRADIENT = Pattern.compile(
            "mask_head\\.model\\.transformer_module\\.decoder\\.layers\\.\\d+\\.self_attn\\.[qk]_proj\\..*"
                    + "|mllm\\.model\\.vision_tower\\.vision_model\\.post_layernorm\\..*"
                    + "|mllm\\.model\\.vision_tower\\.vision_model\\.encoder\\.layers\\.LAST\\..*");

    private static final List<String> CHECKED = List.of("mask_head.", "mllm.model.vision_tower.", "mllm.model.mm_projector.",
            "seg_projector.");

    @TempDir
    Path tmp;

    private static TrainingConfig everything() {
        return TrainingConfig.builder().trainable(TrainingConfig.Trainable.EVERYTHING).learningRate(1e-3).seed(5)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE).build();
    }

    @Test
    void everyEncoderAndHeadWeightGetsRepeatableGradients() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        try (SegEarthModel model = SegEarthModel.load(ModelPackage.open(base), ModelOptions.defaults())) {
            assertFalse(model.head().parameters().isEmpty(), "the head exposes its weights");
            assertFalse(model.maskEncoder().parameters().isEmpty(), "Swin exposes its weights");
            assertFalse(model.visionEncoder().parameters().isEmpty(), "SigLIP exposes its weights");
            List<TrainableParameter> params = TrainableWeights.select(model, everything());
            params.forEach(TrainableParameter::requireGradient);
            int lastLayer = lastVisionLayer(params);
            Pattern exempt = Pattern.compile(NO_GRADIENT.pattern().replace("LAST", Integer.toString(lastLayer)));
            PreparedSample sample = PreparedSample.of(model, data.get(2));
            float[][] first = SampleGradients.of(model, params, sample, System::gc);
            float[][] second = SampleGradients.of(model, params, sample, System::gc);
            List<String> none = new ArrayList<>();
            List<String> differ = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                if (!java.util.Arrays.equals(first[i], second[i])) {
                    differ.add(params.get(i).key());
                }
            }
            assertTrue(differ.isEmpty(), "two runs differ at " + differ.size() + " weights: " + differ);
            int checked = 0;
            for (int i = 0; i < params.size(); i++) {
                String key = params.get(i).key();
                double sum = 0;
                for (float g : first[i]) {
                    assertTrue(Float.isFinite(g), key + " has a non-finite gradient");
                    sum += Math.abs(g);
                }
                if (CHECKED.stream().noneMatch(key::startsWith)) {
                    continue;
                }
                checked++;
                if (sum == 0) {
                    none.add(key);
                }
            }
            System.out.println("weights without gradient: " + none);
            assertTrue(checked > 100, "checked " + checked + " encoder/head weights");
            for (String key : none) {
                assertTrue(exempt.matcher(key).matches(), key + " gets no gradient");
            }
            for (TrainableParameter p : params) {
                if (exempt.matcher(p.key()).matches()) {
                    assertTrue(none.contains(p.key()), p.key() + " was expected to get no gradient; update the list");
                }
            }
        }
    }

    @Test
    void twoStepsOfEverythingSaveAPackageThatReloadsTheTrainedWeights() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        TrainingResult r = Trainer.builder().basePackage(base).data(data).output(tmp.resolve("run"))
                .config(everything().toBuilder().maxSteps(2).build()).build().run();
        assertEquals(2, r.stepLosses().size());
        Path pkg = r.modelPackage();
        assertNotNull(pkg);
        try (NDManager m = Engines.newManager();
                Checkpoint trained = Checkpoint.open(pkg.resolve("trained.safetensors"), m);
                SegEarthModel before = SegEarthModel.load(ModelPackage.open(base), ModelOptions.defaults());
                SegEarthModel after = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults())) {
            int compared = 0;
            compared += sameAsTrained(trained, "mask_head.", after.head().parameters(), before.head().parameters());
            compared += sameAsTrained(trained, "mask_head.", after.maskEncoder().parameters(),
                    before.maskEncoder().parameters());
            compared += sameAsTrained(trained, "mllm.", after.visionEncoder().parameters(),
                    before.visionEncoder().parameters());
            System.out.println("reloaded trained weights compared: " + compared);
            for (String key : List.of("mask_head.model.transformer_module.decoder.layernorm.weight",
                    "mask_head.model.pixel_level_module.decoder.level_embed",
                    "mask_head.model.pixel_level_module.encoder.embeddings.patch_embeddings.projection.weight",
                    "mllm.model.vision_tower.vision_model.embeddings.patch_embedding.weight")) {
                assertTrue(trained.contains(key), key + " is saved");
            }
        }
    }

    /**
     * Every weight of {@code reloaded} equals its entry in {@code trained} bitwise; the ones that
     * trained differ from {@code base}.
     */
    private static int sameAsTrained(Checkpoint trained, String prefix, Map<String, NDArray> reloaded,
            Map<String, NDArray> base) {
        assertFalse(reloaded.isEmpty());
        int changed = 0;
        for (Map.Entry<String, NDArray> e : reloaded.entrySet()) {
            String key = prefix + e.getKey();
            assertTrue(trained.contains(key), key + " is missing from trained.safetensors");
            float[] saved = trained.get(key).toFloatArray();
            assertArrayEquals(saved, e.getValue().toFloatArray(), key + " is not the trained value after reload");
            if (!java.util.Arrays.equals(saved, base.get(e.getKey()).toFloatArray())) {
                changed++;
            }
        }
        assertTrue(changed > 0, "some " + prefix + " weights changed in training");
        return reloaded.size();
    }

    private static int lastVisionLayer(List<TrainableParameter> params) {
        Pattern layer = Pattern.compile("mllm\\.model\\.vision_tower\\.vision_model\\.encoder\\.layers\\.(\\d+)\\..*");
        int last = -1;
        for (TrainableParameter p : params) {
            var m = layer.matcher(p.key());
            if (m.matches()) {
                last = Math.max(last, Integer.parseInt(m.group(1)));
            }
        }
        return last;
    }
}
