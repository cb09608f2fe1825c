package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.pipeline.ModelPackage;

class InitCommandTest {

    @TempDir
    Path dir;

    @Test
    void assemblesAPackageFromTheIngredients() throws IOException {
        Path tiny = Goldens.dir("segearth_r2_tiny");
        Path out = dir.resolve("base");
        CliRun run = CliRun.of("init", "--mllm", tiny.resolve("mllm").toString(), "--mask-head",
                tiny.resolve("mask_head").toString(), "--out", out.toString(), "--seed", "5");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        ModelPackage pkg = ModelPackage.open(out);
        assertEquals("untrained SegEarth-R2 base", pkg.manifest().name());
        assertTrue(Files.isSymbolicLink(out.resolve("mllm")));
        try (NDManager m = Engines.newManager(); Checkpoint seg = Checkpoint.open(pkg.segProjector(), m)) {
            float[] w = seg.get("weight", 32, 80).toFloatArray();
            float bound = (float) (1 / Math.sqrt(80));
            for (float v : w) {
                assertTrue(Math.abs(v) <= bound, "weight " + v + " outside +-" + bound);
            }
            assertArrayEquals(new long[] {32}, seg.shapeOf("bias"));
        }
        // the output folder is the user's input: unusable input, exit 4
        assertEquals(4, CliRun.of("init", "--mllm", tiny.resolve("mllm").toString(), "--mask-head",
                tiny.resolve("mask_head").toString(), "--out", out.toString()).exitCode(), "a non-empty --out is refused");
    }
}
