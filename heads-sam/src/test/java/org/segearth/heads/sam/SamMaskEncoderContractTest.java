package org.segearth.heads.sam;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.segearth.runtime.parity.GoldenCheckpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.testkit.MaskEncoderContract;

/** The SAM image encoder honours the mask encoder contract (golden tiny checkpoint). */
class SamMaskEncoderContractTest extends MaskEncoderContract {

    private static final Path DIR = Goldens.dir("sam");

    private final GoldenCheckpoint golden = new GoldenCheckpoint(DIR);

    @Override
    protected MaskEncoderProvider provider() {
        return new SamMaskEncoderProvider();
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
