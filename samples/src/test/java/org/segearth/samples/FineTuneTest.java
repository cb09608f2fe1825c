package org.segearth.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.Target;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.train.LossValues;
import org.segearth.runtime.train.TrainingConfig;

/** {@link FineTune}: two steps on the Dubai training tile in LaSeRS format, then segmenting with the trained package. */
class FineTuneTest {

    @TempDir
    Path dir;

    @Test
    void trainsWritesAPackageAndSegmentsWithIt() {
        Path root = Fixtures.dubaiLaSeRS(dir);
        Path out = dir.resolve("run");
        // dense mask losses keep the tiny run quick; the sample's main keeps the paper's point sampling
        TrainingConfig config = TrainingConfig.builder().maxSteps(2).batchSize(2).seed(7)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE).build();
        FineTune.Outcome o = FineTune.run(Fixtures.tinyModel(dir), root, "train", out, config, Fixtures.dubaiImage(1),
                "segment the roads and the water", "the roads [SEG] and the water [SEG]");
        List<LossValues> losses = o.training().stepLosses();
        assertEquals(2, losses.size());
        assertTrue(losses.stream().allMatch(l -> Double.isFinite(l.total())), losses.toString());
        Path pkg = o.training().modelPackage();
        assertEquals(out.resolve("model"), pkg);
        assertTrue(Files.isRegularFile(pkg.resolve("trained.safetensors")));
        assertEquals("7", ModelPackage.open(pkg).manifest().provenance().get("seed"));
        assertEquals(List.of("the roads", "and the water"), o.result().targets().stream().map(Target::phrase).toList());
        assertEquals(128, o.result().width());
    }
}
