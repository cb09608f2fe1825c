package org.segearth.heads.mask2former;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.testkit.SegmentationHeadContract;

/** The Mask2Former head honours the segmentation head contract (golden tiny checkpoint). */
class Mask2FormerContractTest extends SegmentationHeadContract {

    private static final Path DIR = Goldens.dir("mask2former");

    private NDManager manager;
    private Checkpoint checkpoint;

    @Override
    protected SegmentationHeadProvider provider() {
        return new Mask2FormerHeadProvider();
    }

    @Override
    protected ComponentContext context() {
        if (manager == null) {
            manager = Engines.newManager();
            checkpoint = Checkpoint.open(DIR, manager);
        }
        return Goldens.context(DIR, checkpoint, Map.of());
    }

    @Override
    protected void release() {
        if (manager != null) {
            checkpoint.close();
            manager.close();
            manager = null;
        }
    }

    @Override
    protected String parityComponent() {
        return "mask2former";
    }

    @Override
    protected void runParity(ParityCheck check) {
        ParityResult r = new ParityRunner().run(DIR, line -> { });
        assertTrue(r.ok(), r.toString());
    }
}
