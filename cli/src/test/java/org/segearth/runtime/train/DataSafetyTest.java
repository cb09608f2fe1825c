package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.InvalidInputException;
import org.segearth.cli.Main;
import org.segearth.runtime.data.Datasets;
import org.segearth.runtime.pipeline.ModelPackage;

/** {@code segearth train} never deletes or overwrites what it did not write, and resumes only its own run. */
class DataSafetyTest {

    @TempDir
    Path tmp;

    private Path base;
    private Path data;

    @BeforeEach
    void fixtures() throws IOException {
        base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        data = TinyTrainingFixture.dataset(tmp.resolve("data"));
    }

    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(expectedCode, code, out + "\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    private String[] train(int expectedCode, Path model, Path out, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("train", "--model", model.toString(), "--data",
                data.toString(), "--out", out.toString(), "--max-steps", "1", "--mask-loss", "dense"));
        args.addAll(List.of(more));
        return run(expectedCode, args.toArray(String[]::new));
    }

    @Test
    void aForeignModelFolderInTheOutputIsNeverDeleted() throws IOException {
        Path r = tmp.resolve("R");
        Path precious = Files.createDirectories(r.resolve("model")).resolve("precious");
        Files.writeString(precious, "x");
        String[] refused = train(4, base, r);
        assertTrue(refused[1].contains("not empty") && refused[1].contains("--overwrite"), refused[1]);
        refused = train(4, base, r, "--overwrite");
        assertTrue(refused[1].contains("precious"), refused[1]);
        assertEquals("x", Files.readString(precious));
        assertEquals(1, refused[1].lines().filter(l -> l.startsWith("error:")).count(), refused[1]);
    }

    @Test
    void anotherRunIsRefusedAndNeverResumedAndFineTuningIntoItsOwnFolderIsRefused() throws IOException {
        Path r = tmp.resolve("R");
        train(0, base, r, "--seed", "3");
        Path state = r.resolve("checkpoints/step-00000001/training_state.safetensors");
        byte[] before = Files.readAllBytes(state);

        // another run's settings: refused, with what differs, with or without --resume
        String[] other = train(4, base, r, "--seed", "4");
        assertTrue(other[1].contains("seed: '3' in the folder, '4' now"), other[1]);
        other = train(4, base, r, "--seed", "4", "--resume");
        assertTrue(other[1].contains("seed"), other[1]);
        // the same settings without --resume: refused too (it would overwrite the checkpoints)
        String[] same = train(4, base, r, "--seed", "3");
        assertTrue(same[1].contains("--resume"), same[1]);
        assertArrayEquals(before, Files.readAllBytes(state));

        // fine-tuning the run's own package into the run's folder would replace the base being read
        String[] self = train(4, r.resolve("model"), r, "--overwrite");
        assertTrue(self[1].contains("lies in"), self[1]);
        assertArrayEquals(before, Files.readAllBytes(state));
        ModelPackage still = ModelPackage.open(r.resolve("model"));
        assertTrue(Files.isRegularFile(still.mllm().resolve("config.json")));
        assertEquals(base.resolve("mllm").toRealPath(), still.mllm().toRealPath());

        // --overwrite starts again: the earlier run's files are replaced, the user's are kept
        Path mine = r.resolve("notes.txt");
        Files.writeString(mine, "mine");
        Path odd = r.resolve("run \"q\"\t\u0001");
        String[] json = train(0, base, odd, "--seed", "4", "--json");
        JsonObject o = JsonParser.parseString(json[0].strip()).getAsJsonObject();
        assertEquals(odd.resolve("model").toString(), o.get("model").getAsString());
        train(0, base, r, "--seed", "4", "--overwrite");
        assertEquals("mine", Files.readString(mine));
        JsonObject record = JsonParser.parseString(Files.readString(r.resolve("segearth-run.json"))).getAsJsonObject();
        assertEquals("4", record.getAsJsonObject("settings").get("seed").getAsString());
    }

    @Test
    void theTrainerApiRefusesAnotherRunsFolderAndResumesOnlyItsOwnRun() {
        Path r = tmp.resolve("api");
        TrainingConfig three = TrainingConfig.builder().maxSteps(1).seed(3)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE).build();
        trainer(r, three, false, false).run();
        // without resume or overwrite: refused before any model loads
        InvalidInputException again = assertThrows(InvalidInputException.class,
                () -> trainer(r, three, false, false).check());
        assertTrue(again.getMessage().contains("already holds a training run"), again.getMessage());
        // resuming with another seed: refused, saying what differs
        TrainingConfig four = TrainingConfig.builder().maxSteps(1).seed(4)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE).build();
        InvalidInputException other = assertThrows(InvalidInputException.class,
                () -> trainer(r, four, true, false).check());
        assertTrue(other.getMessage().contains("training_config") && other.getMessage().contains("seed=4"),
                other.getMessage());
        // the same settings, another cadence of checkpoints: resumable
        trainer(r, TrainingConfig.builder().maxSteps(1).seed(3).saveEvery(5)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE).build(), true, false).check();
        trainer(r, four, false, true).check();
    }

    private Trainer trainer(Path out, TrainingConfig config, boolean resume, boolean overwrite) {
        return Trainer.builder().basePackage(base).data(Datasets.open("lasers", data, "train")).output(out)
                .config(config).resume(resume).overwrite(overwrite).build();
    }
}
