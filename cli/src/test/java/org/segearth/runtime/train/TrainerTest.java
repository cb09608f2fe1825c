package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegEarthModel;

/** Training the tiny model on a small LaSeRS-format set made here (dense mask losses to keep it quick). */
class TrainerTest {

    @TempDir
    Path tmp;

    private static TrainingConfig.Builder quick() {
        return TrainingConfig.builder().learningRate(3e-3).warmupRatio(0.1).maxGradNorm(1.0).seed(11)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE);
    }

    /**
     * Every step sees all six samples (batch 3 x accumulation 2), so steps compare directly;
     * lambda_S is 1 here so that the attention term is not drowned by the tiny head's huge BCE.
     */
    @Test
    void everyLossPartFallsAndThePackageOpens() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        List<TrainingProgress> events = new ArrayList<>();
        TrainingResult r = Trainer.builder().basePackage(base).data(data).output(tmp.resolve("run"))
                .config(quick().batchSize(3).gradientAccumulation(2).attentionWeight(1f).maxSteps(8).build())
                .listener(events::add).build().run();
        List<LossValues> l = r.stepLosses();
        events.forEach(System.out::println);
        assertEquals(8, l.size());
        assertEquals(8, events.size());
        LossValues first = l.get(0);
        LossValues last = l.get(7);
        assertTrue(last.textCe() < first.textCe(), "text CE falls");
        assertTrue(last.maskBce() < first.maskBce(), "BCE falls");
        assertTrue(last.maskDice() < first.maskDice(), "Dice falls");
        assertTrue(last.attention() < first.attention(), "attention loss falls");
        assertTrue(last.total() < first.total(), "total falls");

        Path pkg = r.modelPackage();
        assertNotNull(pkg);
        assertTrue(Files.isRegularFile(pkg.resolve("adapter/adapter_config.json")));
        Manifest manifest = ModelPackage.open(pkg).manifest();
        assertEquals("11", manifest.provenance().get("seed"));
        assertEquals(128, manifest.maskImageSize());
        assertTrue(manifest.provenance().containsKey("base_sha256:mllm/model.safetensors"));
        try (NDManager m = Engines.newManager(); Checkpoint trained = Checkpoint.open(pkg.resolve("trained.safetensors"), m);
                Checkpoint adapter = Checkpoint.open(pkg.resolve("adapter/adapter_model.safetensors"), m);
                SegEarthModel model = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults())) {
            assertTrue(trained.keys().containsAll(List.of("mllm.lm_head.weight", "seg_projector.weight",
                    "seg_projector.bias")), trained.keys().toString());
            // embed_tokens stays frozen (the official recipe), so its [SEG] row is not saved
            assertTrue(!trained.keys().contains("mllm.model.embed_tokens.weight"), trained.keys().toString());
            assertTrue(adapter.keys().contains("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"));
            assertArrayEquals(trained.get("mllm.lm_head.weight").toFloatArray(),
                    model.languageModel().parameters().get("lm_head.weight").toFloatArray(), "the package loads its trained lm_head");
        }
    }

    /**
     * The text objective trains the language model with the text loss alone: no mask or attention
     * loss, the head and the mask encoder keep their weights, the language model's change.
     */
    @Test
    void textObjectiveLeavesTheMaskBranchAlone() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        TrainingResult r = Trainer.builder().basePackage(base).data(data).output(tmp.resolve("run"))
                .config(quick().objective(TrainingConfig.Objective.TEXT).trainable(TrainingConfig.Trainable.EVERYTHING)
                        .batchSize(3).gradientAccumulation(2).maxSteps(6).build())
                .build().run();
        List<LossValues> l = r.stepLosses();
        assertTrue(l.get(5).textCe() < l.get(0).textCe(), "text CE falls: " + l);
        for (LossValues v : l) {
            assertEquals(0.0, v.maskBce());
            assertEquals(0.0, v.maskDice());
            assertEquals(0.0, v.attention());
            assertEquals(v.textCe(), v.total());
        }
        try (SegEarthModel before = SegEarthModel.load(ModelPackage.open(base), ModelOptions.defaults());
                SegEarthModel after = SegEarthModel.load(ModelPackage.open(r.modelPackage()), ModelOptions.defaults())) {
            assertSameWeights(before.head().parameters(), after.head().parameters(), true);
            assertSameWeights(before.maskEncoder().parameters(), after.maskEncoder().parameters(), true);
            assertSameWeights(before.languageModel().parameters(), after.languageModel().parameters(), false);
        }
        // a run from the warmed-up package records both stages
        TrainingResult next = Trainer.builder().basePackage(r.modelPackage()).data(data).output(tmp.resolve("run2"))
                .config(quick().maxSteps(1).build()).build().run();
        Map<String, String> provenance = ModelPackage.open(next.modelPackage()).manifest().provenance();
        assertTrue(provenance.get("base_training_config").contains("objective=TEXT"), provenance.toString());
        assertEquals("6", provenance.get("base_trained_steps"));
        assertTrue(provenance.get("training_config").contains("objective=ALL"), provenance.toString());
    }

    private static void assertSameWeights(java.util.Map<String, ai.djl.ndarray.NDArray> a,
            java.util.Map<String, ai.djl.ndarray.NDArray> b, boolean same) {
        assertEquals(a.keySet(), b.keySet());
        boolean allEqual = true;
        for (String k : a.keySet()) {
            allEqual &= java.util.Arrays.equals(a.get(k).toFloatArray(), b.get(k).toFloatArray());
        }
        assertEquals(same, allEqual, same ? "weights unchanged" : "weights changed");
    }

    /** Two runs with one seed agree bitwise, and a run stopped and resumed gives the same losses as one that was not. */
    @Test
    void resumeReproducesAnUninterruptedRun() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        TrainingConfig config = quick().gradientAccumulation(2).maxSteps(4).saveEvery(2).build();
        TrainingResult whole = Trainer.builder().basePackage(base).data(data).output(tmp.resolve("a"))
                .config(config).build().run();
        TrainingResult firstHalf = Trainer.builder().basePackage(base).data(data).output(tmp.resolve("b"))
                .config(config).stopAfter(2).build().run();
        assertNull(firstHalf.modelPackage(), "a stopped run writes no final package");
        assertTrue(Files.isDirectory(tmp.resolve("b/checkpoints/step-00000002")));
        TrainingResult secondHalf = Trainer.builder().basePackage(base).data(data).output(tmp.resolve("b"))
                .config(config).resume(true).build().run();
        assertEquals(2, secondHalf.startStep());
        assertEquals(4, secondHalf.endStep());
        List<LossValues> resumed = new ArrayList<>(firstHalf.stepLosses());
        resumed.addAll(secondHalf.stepLosses());
        for (int i = 0; i < 4; i++) {
            System.out.println("step " + (i + 1) + " whole " + whole.stepLosses().get(i) + " resumed " + resumed.get(i));
        }
        assertEquals(whole.stepLosses(), resumed, "bitwise equal losses");
        try (NDManager m = Engines.newManager();
                Checkpoint a = Checkpoint.open(tmp.resolve("a/model/trained.safetensors"), m);
                Checkpoint b = Checkpoint.open(tmp.resolve("b/model/trained.safetensors"), m)) {
            for (String k : a.keys()) {
                assertArrayEquals(a.get(k).toFloatArray(), b.get(k).toFloatArray(), k);
            }
        }
    }

    /**
     * A step leaves no array behind anywhere in the engine's managers (the gradient-norm and anchor
     * temporaries once stayed in the model's manager: ~25 MB a step for a 6 M-parameter model).
     */
    @Test
    void stepsLeaveNoArraysBehind() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data")), "train");
        NDManager root;
        try (NDManager probe = Engines.newManager()) {
            root = probe.getParentManager();
        }
        List<Integer> counts = new ArrayList<>();
        NDManager system = root;
        Trainer.builder().basePackage(base).data(data).output(tmp.resolve("run"))
                .config(quick().batchSize(2).attentionWeight(0.5f).maxSteps(6).build())
                .listener(p -> counts.add(system.getManagedArrays().size())).build().run();
        assertEquals(6, counts.size());
        assertTrue(counts.get(1) > 100, "the count sees the model's arrays: " + counts);
        for (int i = 2; i < counts.size(); i++) {
            assertEquals(counts.get(1), counts.get(i), "arrays left behind per step: " + counts);
        }
    }
}
