package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.Main;

/** {@code segearth eval --out}: continues only its own run, refuses others with what differs, --overwrite starts again. */
class EvalOutputTest {

    @TempDir
    Path tmp;

    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(expectedCode, code, out + "\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    /** {@code eval} teacher-forced (fast on the tiny model) unless {@code more} names a mode. */
    private String[] eval(int expectedCode, Path model, Path out, String... more) {
        Stream<String> mode = List.of(more).contains("--mode") ? Stream.of() : Stream.of("--mode", "teacher-forced");
        String[] args = Stream.of(Stream.of("eval", "--dataset", "lasers", "--root", tmp.resolve("data").toString(),
                "--split", "train", "--model", model.toString(), "--out", out.toString()), mode, Stream.of(more))
                .flatMap(x -> x).toArray(String[]::new);
        return run(expectedCode, args);
    }

    @Test
    void anotherEvaluationIsRefusedAndOverwriteReplacesOnlyItsFiles() throws IOException {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        TinyTrainingFixture.dataset(tmp.resolve("data"));
        Path out = tmp.resolve("eval");
        eval(0, base, out, "--masks", "png");
        List<String> masks;
        try (Stream<Path> s = Files.list(out.resolve("masks"))) {
            masks = s.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertFalse(masks.isEmpty());
        // the same settings: the finished run is read back, nothing runs again
        String[] again = eval(0, base, out, "--masks", "png");
        assertTrue(again[0].contains("gIoU"), again[0]);

        String[] mode = eval(4, base, out, "--masks", "png", "--mode", "generative");
        assertTrue(mode[1].contains("mode: 'teacher-forced' in the folder, 'generative' now"), mode[1]);
        Path copy = TinyTrainingFixture.basePackage(tmp.resolve("other-model"));
        String[] model = eval(4, copy, out, "--masks", "png");
        assertTrue(model[1].contains("model: '" + base.toAbsolutePath()), model[1]);

        Path mine = Files.writeString(out.resolve("masks/mine.png"), "mine");
        eval(0, copy, out, "--masks", "rle", "--overwrite");
        assertEquals("mine", Files.readString(mine));
        for (String m : masks) {
            assertFalse(Files.exists(out.resolve("masks").resolve(m)), "mask of the earlier run left: " + m);
        }
        assertTrue(Files.exists(out.resolve("predictions.jsonl")));
    }
}
