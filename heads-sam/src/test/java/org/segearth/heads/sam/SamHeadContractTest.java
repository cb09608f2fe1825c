package org.segearth.heads.sam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.segearth.runtime.parity.GoldenCheckpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.testkit.SegmentationHeadContract;

/** The SAM head honours the segmentation head contract (golden tiny checkpoint). */
class SamHeadContractTest extends SegmentationHeadContract {

    private static final Path DIR = Goldens.dir("sam");

    private final GoldenCheckpoint golden = new GoldenCheckpoint(DIR);

    @Override
    protected SegmentationHeadProvider provider() {
        return new SamHeadProvider();
    }

    @Override
    protected ComponentContext context() {
        return golden.context();
    }

    @Override
    protected void release() {
        golden.close();
    }

    @Override
    protected String parityComponent() {
        return "sam";
    }

    @Override
    protected void runParity(ParityCheck check) {
        ParityResult r = new ParityRunner().run(DIR, line -> { });
        assertTrue(r.ok(), r.toString());
    }
}
