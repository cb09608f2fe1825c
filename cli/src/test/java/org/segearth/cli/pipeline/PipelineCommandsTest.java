package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.Main;
import org.segearth.runtime.parity.Goldens;

/** {@code segearth parity} on the composed golden and {@code segearth segment} on the tiny package. */
class PipelineCommandsTest {

    @TempDir
    Path dir;

    @Test
    void parityOfTheComposedGolden() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "parity",
                Goldens.dir("segearth_r2_tiny").toString());
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().contains("segearth_r2_tiny"), out.toString());
    }

    @Test
    void segmentWithTheTinyPackage() throws IOException {
        Path pkg = TinyModel.create(dir);
        Path image = dir.resolve("image.png");
        ImageIO.write(TinyModel.image(), "png", image.toFile());
        Path outDir = dir.resolve("out");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), "segment", "--model", pkg.toString(),
                "--image", image.toString(), "--instruction", "segment the ships", "--answer",
                "the ships [SEG] and the port [SEG]", "--out", outDir.toString());
        assertEquals(0, code, out + "\n" + err);
        assertTrue(Files.exists(outDir.resolve("result.json")));
        assertTrue(Files.readString(outDir.resolve("result.json")).contains("and the port"));
    }
}
