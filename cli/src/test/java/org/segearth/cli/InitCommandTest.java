package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.TokenInput;

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

    @Test
    void buildsASamHeadPackageThatRuns() throws IOException {
        Path tiny = Goldens.dir("segearth_r2_tiny");
        Path out = dir.resolve("sam-base");
        CliRun run = CliRun.of("init", "--mllm", tiny.resolve("mllm").toString(), "--mask-head",
                Goldens.dir("sam").toString(), "--out", out.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        ModelPackage pkg = ModelPackage.open(out);
        assertEquals("sam", pkg.manifest().head());
        assertEquals("sam", pkg.manifest().maskEncoder());
        assertEquals(64, pkg.manifest().maskImageSize(), "SAM's image size");
        try (SegEarthModel model = SegEarthModel.load(pkg, ModelOptions.defaults());
                NDManager m = model.manager().newSubManager();
                Checkpoint io = Checkpoint.open(tiny.resolve("io.safetensors"), m)) {
            NDArray hwc = io.get("image_rgb_hwc");
            long[] shape = hwc.getShape().getShape();
            RgbImage image = RgbImage.of((int) shape[1], (int) shape[0], hwc.toByteArray());
            TokenInput tokens = TokenInput.of(io.get("prefix_ids").toLongArray(), io.get("instruction_ids").toLongArray(),
                    io.get("answer_ids").toLongArray());
            SegEarthOutput result = model.forward(m, image, tokens, new PassOptions(false, PassOptions.Attentions.NONE));
            assertArrayEquals(new long[] {2, shape[0], shape[1]}, result.masks().getShape().getShape(),
                    "one SAM mask per [SEG] at the image's size");
            assertTrue(Float.isFinite(result.maskLogits().abs().max().getFloat()));
        }
    }

    @Test
    void checksEverythingBeforeWritingAndLeavesNothingBehind() throws IOException {
        Path tiny = Goldens.dir("segearth_r2_tiny");
        // a Mask2Former config that does not match its weights: found only by building the head
        Path head = Files.createDirectories(dir.resolve("head"));
        Files.writeString(head.resolve("config.json"), Files.readString(tiny.resolve("mask_head/config.json"))
                .replace("\"dim_feedforward\": 64", "\"dim_feedforward\": 96"));
        Files.createSymbolicLink(head.resolve("model.safetensors"), tiny.resolve("mask_head/model.safetensors"));
        Path parent = Files.createDirectories(dir.resolve("out"));
        CliRun shapes = CliRun.of("init", "--mllm", tiny.resolve("mllm").toString(), "--mask-head", head.toString(),
                "--out", parent.resolve("pkg").toString());
        assertEquals(5, shapes.exitCode(), shapes.out() + shapes.err());
        assertTrue(shapes.err().contains("fc1.weight' has shape [64, 32], expected [96, 32]"), shapes.err());
        assertFalse(shapes.err().contains(".init-"), "the message names --out, not the staging folder: " + shapes.err());
        CliRun notAHead = CliRun.of("init", "--mllm", tiny.resolve("mllm").toString(), "--mask-head",
                tiny.resolve("mllm").toString(), "--out", parent.resolve("pkg").toString());
        assertEquals(5, notAHead.exitCode(), notAHead.out() + notAHead.err());
        assertTrue(notAHead.err().contains("expected a Hugging Face Mask2Former (mask2former) or SAM (sam) folder"),
                notAHead.err());
        try (var s = Files.list(parent)) {
            assertEquals(List.of(), s.toList(), "a failed init leaves nothing behind");
        }
    }

    @Test
    void acceptsAMask2FormerFolderThatShipsOnlyPytorchModelBin() throws IOException {
        Path tiny = Goldens.dir("segearth_r2_tiny");
        // the whole-model dump with its mask head as torch.save writes it: parity must still hold
        Path copy = Files.createDirectories(dir.resolve("bin").resolve("segearth_r2_tiny"));
        for (String part : List.of("mllm", "adapter")) {
            Files.createSymbolicLink(copy.resolve(part), tiny.resolve(part));
        }
        for (String f : List.of("seg_projector.safetensors", "io.safetensors", "io.json")) {
            Files.copy(tiny.resolve(f), copy.resolve(f));
        }
        Path head = Files.createDirectories(copy.resolve("mask_head"));
        Files.copy(tiny.resolve("mask_head/config.json"), head.resolve("config.json"));
        TorchSaveFiles.convert(tiny.resolve("mask_head/model.safetensors"), head.resolve("pytorch_model.bin"));
        CliRun init = CliRun.of("init", "--mllm", tiny.resolve("mllm").toString(), "--mask-head", head.toString(),
                "--out", dir.resolve("pkg").toString());
        assertEquals(0, init.exitCode(), init.out() + init.err());
        CliRun parity = CliRun.of("parity", copy.toString());
        assertEquals(0, parity.exitCode(), parity.out() + parity.err());
        assertTrue(parity.out().contains("PARITY segearth_r2_tiny OK"), parity.out());
    }
}
