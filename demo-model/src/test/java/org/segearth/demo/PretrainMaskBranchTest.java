package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.train.LossLog;
import org.segearth.spi.nn.Precision;

class PretrainMaskBranchTest {

    @TempDir
    static Path tmp;

    static Path base;

    @BeforeAll
    static void model() {
        base = tmp.resolve("base");
        DemoModelFactory.create(base, DemoConfig.proposed(), 5, true);
    }

    /** A 3-step stage on the fixed split: part 1 of Tile 1 trains, part 2 is held out. */
    private static Path run(String name, long seed) {
        return PretrainMaskBranch.run(base, DubaiConverterRecipeTest.fixture(), tmp.resolve(name), seed, 3, 2, 3e-4,
                Set.of());
    }

    @Test
    void trainsTheMaskBranchAloneAndKeepsTheRestOfTheBase() throws Exception {
        Path out = run("a", 11);
        List<LossLog.Row> rows = LossLog.read(tmp.resolve("a").resolve("loss.csv"));
        assertEquals(3, rows.size());
        for (LossLog.Row r : rows) {
            assertTrue(Double.isFinite(r.maskBce()) && r.maskBce() > 0, "bce " + r.maskBce());
            assertTrue(Double.isFinite(r.maskDice()) && r.maskDice() > 0, "dice " + r.maskDice());
            assertEquals(0, r.textCe());
        }
        // the held-out part (part 2 of Tile 1) measured before the first step and after the last (3 steps, every 100)
        List<String> heldOut = Files.readAllLines(tmp.resolve("a").resolve("held-out-iou.csv"));
        assertEquals("step,class,iou_summed,iou_mean,parts", heldOut.get(0));
        assertEquals(Set.of("0", "3"), heldOut.stream().skip(1).map(l -> l.split(",")[0]).collect(
                java.util.stream.Collectors.toSet()));
        for (String l : heldOut.subList(1, heldOut.size())) {
            String[] f = l.split(",");
            double summed = Double.parseDouble(f[2]);
            assertTrue(summed >= 0 && summed <= 1, l);
            assertEquals("1", f[4], l);
        }
        ModelOptions f32 = ModelOptions.defaults().withMergedAdapter(false).withPrecision(Precision.F32);
        try (SegEarthModel before = SegEarthModel.load(ModelPackage.open(base), f32);
                SegEarthModel after = SegEarthModel.load(ModelPackage.open(out), f32)) {
            assertSame(before.languageModel().parameters(), after.languageModel().parameters(), true);
            assertSame(before.visionEncoder().parameters(), after.visionEncoder().parameters(), true);
            assertSame(before.languageModel().adapterTensors(), after.languageModel().adapterTensors(), true);
            assertSame(before.maskEncoder().parameters(), after.maskEncoder().parameters(), false);
            assertSame(before.head().parameters(), after.head().parameters(), false);
            assertFalse(before.projector().weight().contentEquals(after.projector().weight()), "projector unchanged");
        }
    }

    /** Every tensor equal ({@code same}) or at least one different ({@code !same}). */
    private static void assertSame(Map<String, NDArray> a, Map<String, NDArray> b, boolean same) {
        assertEquals(a.keySet(), b.keySet());
        boolean allEqual = a.keySet().stream().allMatch(k -> a.get(k).contentEquals(b.get(k)));
        assertEquals(same, allEqual, same ? "a kept weight changed" : "no trained weight changed");
    }

    /**
     * Two runs with one seed give the same losses bit for bit (a constant made from Java memory and
     * read by the backward pass after it is freed made the gradients vary from run to run).
     */
    @Test
    void oneSeedGivesTheSameLosses() {
        run("b", 12);
        run("c", 12);
        assertEquals(losses("b"), losses("c"));
    }

    /** Per step: BCE, Dice and the gradient norm (not the wall time). */
    private static List<List<Double>> losses(String run) {
        return LossLog.read(tmp.resolve(run).resolve("loss.csv")).stream()
                .map(r -> List.of(r.maskBce(), r.maskDice(), r.gradNorm())).toList();
    }

    @Test
    void refusesAFolderThatHoldsAModel() throws Exception {
        Path out = tmp.resolve("taken");
        Files.createDirectories(out.resolve("model"));
        Files.writeString(out.resolve("model").resolve("mine.txt"), "keep");
        SegEarthException e = assertThrows(SegEarthException.class, () -> PretrainMaskBranch.run(base,
                DubaiConverterRecipeTest.fixture(), out, 1, 1, 1, 3e-4, Set.of(2)));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertEquals("keep", Files.readString(out.resolve("model").resolve("mine.txt")));
    }

    /** The stage draws every view from the training parts: whole parts, crops and mosaics, with the class maps. */
    @Test
    void viewsComeFromTheTrainingPartsWithTheirClassMaps() {
        PretrainMaskBranch.Views views = PretrainMaskBranch.Views.load(DubaiConverterRecipeTest.fixture(),
                DubaiConverter.Options.recipe(1, Set.of(2), 1), 1);
        assertEquals(2, views.size());
        PretrainMaskBranch.Views fixed = PretrainMaskBranch.Views.load(DubaiConverterRecipeTest.fixture(),
                DubaiConverter.Options.recipe(1, Set.of(), 1), 1);
        assertEquals(1, fixed.size(), "part 2 of Tile 1 is validation under the fixed split");
        assertEquals(1, PretrainMaskBranch.Views.heldOut(DubaiConverterRecipeTest.fixture(),
                DubaiConverter.Options.recipe(1, Set.of(), 1)).size(), "the held-out parts are the validation parts");
        Random random = new Random(3);
        for (int i = 0; i < 40; i++) {
            DubaiConverter.View v = views.next(random);
            assertEquals(v.width() * v.height(), v.classes().length);
            assertTrue(v.width() <= 256 && v.height() <= 256);
        }
    }
}
