package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.pipeline.TinyModel;
import org.segearth.runtime.Engines;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.data.LaSeRSDataset;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegEarthModel;

/**
 * The official training recipe by default: lm_head without the base's bias, embed_tokens (the
 * [SEG] row included) frozen as the checkpoint has it, LoRA r 4; each can be asked otherwise.
 */
class OfficialRecipeTest {

    @TempDir
    Path tmp;

    /**
     * The tiny base with a Mipha-like lm_head bias (the golden has none, like the official model)
     * and no adapter (so that training creates one with the default LoRA settings).
     */
    private Path baseWithBias() throws Exception {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        FileTrees.deleteTree(base.resolve("adapter"));
        float[] bias = new float[640];
        for (int i = 0; i < bias.length; i++) {
            bias[i] = 0.01f * (i % 17) - 0.05f;
        }
        TinyModel.addTensors(base.resolve("mllm/model.safetensors"), Map.of("lm_head.bias", bias));
        return base;
    }

    private TrainingResult train(Path base, String run, TrainingConfig config) throws Exception {
        LaSeRSDataset data = new LaSeRSDataset(TinyTrainingFixture.dataset(tmp.resolve("data-" + run)), "train");
        return Trainer.builder().basePackage(base).data(data).output(tmp.resolve(run)).config(config).build().run();
    }

    private static TrainingConfig.Builder quick() {
        return TrainingConfig.builder().learningRate(3e-3).seed(5).maxSteps(2)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE);
    }

    @Test
    void byDefaultTheBiasIsDroppedTheSegRowFrozenAndLoraRankFour() throws Exception {
        Path base = baseWithBias();
        TrainingResult r = train(base, "official", quick().build());
        Path pkg = r.modelPackage();
        JsonObject adapter = JsonParser.parseString(Files.readString(pkg.resolve("adapter/adapter_config.json")))
                .getAsJsonObject();
        assertEquals(4, adapter.get("r").getAsInt());
        assertEquals(16, adapter.get("lora_alpha").getAsDouble());
        assertEquals(0.05, adapter.get("lora_dropout").getAsDouble());
        try (NDManager m = Engines.newManager();
                Checkpoint trained = Checkpoint.open(pkg.resolve("trained.safetensors"), m);
                Checkpoint baseWeights = Checkpoint.open(base.resolve("mllm/model.safetensors"), m);
                SegEarthModel model = SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults())) {
            assertFalse(trained.keys().contains("mllm.model.embed_tokens.weight"), trained.keys().toString());
            assertTrue(trained.keys().contains("mllm.lm_head.weight"));
            assertEquals(0f, trained.get("mllm.lm_head.bias").abs().sum().getFloat(), "the bias is saved as zeros");
            Map<String, ai.djl.ndarray.NDArray> p = model.languageModel().parameters();
            assertEquals(0f, p.get("lm_head.bias").abs().sum().getFloat(), "the trained package has no bias");
            long seg = model.segTokenId();
            assertArrayEquals(baseWeights.get("model.embed_tokens.weight").get(new NDIndex("{}", seg)).toFloatArray(),
                    p.get("model.embed_tokens.weight").get(new NDIndex("{}", seg)).toFloatArray(), 0f,
                    "the [SEG] row stays as the checkpoint has it");
            assertNotEquals(0f, baseWeights.get("lm_head.weight").sub(p.get("lm_head.weight")).abs().sum().getFloat(),
                    "lm_head.weight trains");
        }
        String provenance = ModelPackage.open(pkg).manifest().provenance().get("training_config");
        assertTrue(provenance.contains("lmHeadBias=false") && provenance.contains("trainSegRow=false")
                && provenance.contains("modelDropout=true"), provenance);
    }

    @Test
    void askedOtherwiseTheBiasAndTheSegRowTrain() throws Exception {
        Path base = baseWithBias();
        TrainingResult r = train(base, "sdk", quick().lmHeadBias(true).trainSegRow(true)
                .segRowInit(TrainingConfig.SegRowInit.KEEP).build());
        try (NDManager m = Engines.newManager();
                Checkpoint trained = Checkpoint.open(r.modelPackage().resolve("trained.safetensors"), m);
                Checkpoint baseWeights = Checkpoint.open(base.resolve("mllm/model.safetensors"), m)) {
            assertTrue(trained.keys().contains("mllm.model.embed_tokens.weight"));
            float[] bias = trained.get("mllm.lm_head.bias").toFloatArray();
            assertNotEquals(0f, baseWeights.get("lm_head.bias").sub(trained.get("mllm.lm_head.bias")).abs().sum()
                    .getFloat(), "the kept bias trains");
            assertTrue(bias[0] != 0f);
        }
    }
}
