package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.Main;

/** {@code segment --out}: refusals, atomic replacement, no stale masks, no temporary files left. */
class SegmentOutputTest {

    @TempDir
    Path dir;

    private String[] segment(int expectedCode, Path pkg, Path image, Path out, String answer, String... more) {
        String[] base = {"segment", "--model", pkg.toString(), "--image", image.toString(), "--instruction",
            "segment the ships", "--answer", answer, "--out", out.toString()};
        String[] args = Stream.concat(Stream.of(base), Stream.of(more)).toArray(String[]::new);
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        int code = Main.run(new PrintWriter(o), new PrintWriter(e), args);
        assertEquals(expectedCode, code, o + "\n" + e);
        return new String[] {o.toString(), e.toString()};
    }

    @Test
    void reusedOutputHasNoStaleMasksAndKeepsForeignFiles() throws IOException {
        Path pkg = TinyModel.create(dir);
        Path image = dir.resolve("image.png");
        ImageIO.write(TinyModel.image(), "png", image.toFile());
        Path out = dir.resolve("out");
        segment(0, pkg, image, out, "the ships [SEG] and the port [SEG]");
        assertTrue(Files.exists(out.resolve("mask-1.png")));
        // the same settings again: allowed, same files
        segment(0, pkg, image, out, "the ships [SEG] and the port [SEG]");

        Path mine = Files.writeString(out.resolve("mask-7.png"), "mine");
        String[] refused = segment(4, pkg, image, out, "the ships [SEG]");
        assertTrue(refused[1].contains("answer: 'the ships [SEG] and the port [SEG]' in the folder, 'the ships [SEG]'"
                + " now"), refused[1]);
        assertTrue(Files.exists(out.resolve("mask-1.png")), "a refused run changes nothing");

        segment(0, pkg, image, out, "the ships [SEG]", "--overwrite");
        assertTrue(Files.exists(out.resolve("mask-0.png")));
        assertFalse(Files.exists(out.resolve("mask-1.png")), "the earlier run's second mask is stale");
        assertEquals("mine", Files.readString(mine), "a file segearth did not write stays");
        assertTrue(Files.readString(out.resolve("result.json")).contains("the ships"));
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files left");
        }

        // an edited record cannot make segment delete a file it never writes
        Path notes = Files.writeString(out.resolve("notes.txt"), "mine");
        Path record = out.resolve("segearth-run.json");
        Files.writeString(record, Files.readString(record).replace("\"files\": [", "\"files\": [\"notes.txt\", \"../x\", "));
        segment(0, pkg, image, out, "the ships [SEG]");
        assertEquals("mine", Files.readString(notes));
        // an unreadable record is refused, and replaced with --overwrite
        Files.writeString(record, "{");
        String[] broken = segment(4, pkg, image, out, "the ships [SEG]");
        assertTrue(broken[1].contains("segearth-run.json"), broken[1]);
        segment(0, pkg, image, out, "the ships [SEG]", "--overwrite");
    }

    @Test
    void foreignOrFileOutputsAreRefusedBeforeTheModelRuns() throws IOException {
        Path image = dir.resolve("image.png");
        ImageIO.write(TinyModel.image(), "png", image.toFile());
        Path pkg = TinyModel.create(dir);
        Path foreign = Files.createDirectories(dir.resolve("foreign"));
        Files.writeString(foreign.resolve("report.docx"), "x");
        String[] r = segment(4, pkg, image, foreign, "the ships [SEG]");
        assertTrue(r[1].contains("holds no segearth run") && r[1].contains("report.docx"), r[1]);
        try (Stream<Path> s = Files.list(foreign)) {
            assertEquals(1, s.count());
        }
        r = segment(4, pkg, image, foreign.resolve("report.docx"), "the ships [SEG]");
        assertTrue(r[1].contains("is a file"), r[1]);
    }
}
