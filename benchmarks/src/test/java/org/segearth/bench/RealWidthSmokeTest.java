package org.segearth.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.Main;

/**
 * The published ingredients at every real width and the real image geometry (SigLIP 384 / 14 -> 27
 * x 27 patches, Phi-2 2560 wide with 51200 rows, Swin-B + Mask2Former at 1024), with two
 * language-model layers: fabricated here, assembled with {@code segearth init}, then segmented
 * teacher-forced with {@code segearth segment}. Checks shapes and files, not speed.
 */
class RealWidthSmokeTest {

    @TempDir
    Path dir;

    @Test
    void initAndSegmentAtRealWidths() throws Exception {
        RealScaleModels.Written w = RealScaleModels.write(dir.resolve("ingredients"), 2, 7);
        assertTrue(Files.isRegularFile(w.mllm().resolve("model.safetensors.index.json")));
        assertTrue(Files.notExists(w.mllm().resolve("tokenizer.json")), "Mipha ships no tokenizer.json");

        Path pkg = dir.resolve("pkg");
        Run init = run("init", "--mllm", w.mllm().toString(), "--mask-head", w.maskHead().toString(),
                "--out", pkg.toString());
        assertEquals(0, init.code, init.err);

        Path image = dir.resolve("scene.png");
        BufferedImage scene = new BufferedImage(613, 401, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < scene.getHeight(); y++) {
            for (int x = 0; x < scene.getWidth(); x++) {
                scene.setRGB(x, y, ((x * 7) & 0xFF) << 16 | ((y * 5) & 0xFF) << 8 | ((x + y) & 0xFF));
            }
        }
        ImageIO.write(scene, "png", image.toFile());
        Path out = dir.resolve("out");
        Run segment = run("segment", "--model", pkg.toString(), "--image", image.toString(),
                "--instruction", "segment the water", "--answer", "It is [SEG].", "--out", out.toString(), "--json");
        assertEquals(0, segment.code, segment.err);

        JsonObject result = JsonParser.parseString(Files.readString(out.resolve("result.json"))).getAsJsonObject();
        JsonArray targets = result.getAsJsonArray("targets");
        assertEquals(1, targets.size(), "one [SEG] in the answer, one target");
        JsonObject mask = targets.get(0).getAsJsonObject().getAsJsonObject("mask");
        JsonArray size = mask.getAsJsonArray("size");
        assertEquals(401, size.get(0).getAsInt(), "mask height = image height");
        assertEquals(613, size.get(1).getAsInt(), "mask width = image width");
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }
}
