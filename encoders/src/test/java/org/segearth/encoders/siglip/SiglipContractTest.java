package org.segearth.encoders.siglip;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.segearth.runtime.parity.GoldenCheckpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.VisionEncoderProvider;
import org.segearth.testkit.VisionEncoderContract;

/** The SigLIP vision encoder honours the vision encoder contract (golden tiny checkpoint). */
class SiglipContractTest extends VisionEncoderContract {

    private static final Path DIR = Goldens.dir("siglip_vision");

    private final GoldenCheckpoint golden = new GoldenCheckpoint(DIR);

    @Override
    protected VisionEncoderProvider provider() {
        return new SiglipVisionEncoderProvider();
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
        return "siglip_vision";
    }

    @Override
    protected void runParity(ParityCheck check) {
        ParityResult r = new ParityRunner().run(DIR, line -> { });
        assertTrue(r.ok(), r.toString());
    }
}
