package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.Main;

/** {@code train --out} never mixes runs: a base package with other weights (same shapes) is another run. */
class TrainOutRecordTest {

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
    void aBaseWithOtherWeightsIsRefusedEvenWithResume() throws IOException {
        Path data = TinyTrainingFixture.dataset(tmp.resolve("data"));
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        Path runDir = tmp.resolve("run");
        run(0, "train", "--model", base.toString(), "--data", data.toString(), "--out", runDir.toString(),
                "--max-steps", "1", "--mask-loss", "dense", "--save-every", "1");
        String record = Files.readString(runDir.resolve("segearth-run.json"));
        assertTrue(record.contains("\"model_content\": \"sha256:"), record);

        // the same base trained a little (here: one value changed): same files, sizes and headers
        Path largest;
        try (var files = Files.walk(base)) {
            largest = files.filter(Files::isRegularFile).max(Comparator.comparingLong(f -> f.toFile().length()))
                    .orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(largest.toFile(), "rw")) {
            f.seek(f.length() - 2);
            int b = f.read();
            f.seek(f.length() - 2);
            f.write(b ^ 0x01);
        }
        String[] refused = run(4, "train", "--model", base.toString(), "--data", data.toString(), "--out",
                runDir.toString(), "--max-steps", "2", "--mask-loss", "dense", "--save-every", "1", "--resume");
        String first = refused[1].lines().findFirst().orElseThrow();
        assertTrue(first.contains("model_content: 'sha256:"), refused[1]);
        assertTrue(first.contains("max_steps: '1' in the folder, '2' now"), refused[1]);
        assertEquals(record, Files.readString(runDir.resolve("segearth-run.json")), "the refused run changed the record");
    }
}
