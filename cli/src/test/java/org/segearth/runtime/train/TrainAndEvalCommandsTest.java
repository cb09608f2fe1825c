package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.Main;

/** {@code segearth train} then {@code segearth eval} on the trained package, end to end on the tiny model. */
class TrainAndEvalCommandsTest {

    @TempDir
    Path tmp;

    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(expectedCode, code, out + "\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void trainThenEvaluateTheTrainedPackage() throws IOException {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        Path data = TinyTrainingFixture.dataset(tmp.resolve("data"));
        Path runDir = tmp.resolve("run");
        String[] trained = run(0, "train", "--model", base.toString(), "--data", data.toString(), "--out",
                runDir.toString(), "--max-steps", "2", "--mask-loss", "dense", "--lr", "1e-3", "--seed", "3");
        assertTrue(trained[0].contains("trained steps 0..2"), trained[0]);
        Path model = Path.of(trained[0].lines().filter(l -> l.startsWith("model package: ")).findFirst()
                .orElseThrow().substring("model package: ".length()));
        assertTrue(Files.exists(model.resolve("trained.safetensors")), model.toString());
        List<String> curve = Files.readAllLines(runDir.resolve("loss.csv"));
        assertEquals("step,total,text_ce,mask_bce,mask_dice,attention,learning_rate,grad_norm,seconds", curve.get(0));
        assertEquals(3, curve.size(), curve.toString());
        assertTrue(curve.get(2).startsWith("2,"), curve.get(2));
        assertEquals(960, ImageIO.read(runDir.resolve("loss.png").toFile()).getWidth());

        Path evalOut = tmp.resolve("eval");
        String[] evaluated = run(0, "eval", "--dataset", "lasers", "--root", data.toString(), "--split", "train",
                "--model", model.toString(), "--mode", "teacher-forced", "--out", evalOut.toString(), "--masks", "rle");
        assertTrue(evaluated[0].contains("gIoU"), evaluated[0]);
        JsonObject report = JsonParser.parseString(Files.readString(evalOut.resolve("report.json"))).getAsJsonObject();
        double giou = report.get("gIoU").getAsDouble();
        assertTrue(giou >= 0 && giou <= 1, "gIoU " + giou);
        assertTrue(Files.readString(evalOut.resolve("samples.csv")).lines().count() > 1);
        assertTrue(Files.exists(evalOut.resolve("predictions.jsonl")));
        assertTrue(ImageIO.read(evalOut.resolve("groups.png").toFile()).getWidth() >= 520);
    }

    @Test
    void badOptionsAreUsageOrInputErrors() throws IOException {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        Path data = TinyTrainingFixture.dataset(tmp.resolve("data"));
        run(4, "train", "--model", base.toString(), "--data", data.toString(), "--out", tmp.resolve("r").toString(),
                "--mask-loss", "sparse");
        run(4, "eval", "--dataset", "lasers", "--root", data.toString(), "--split", "train", "--model",
                base.toString(), "--mode", "creative", "--out", tmp.resolve("e").toString());
        run(2, "eval", "--dataset", "lasers");
    }
}
