package org.segearth.encoders.swin;

import java.nio.file.Path;
import org.segearth.runtime.parity.GoldenCheckpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.testkit.MaskEncoderContract;

/** The Swin backbone honours the mask encoder contract (the Mask2Former golden's backbone) (golden tiny checkpoint). */
class SwinContractTest extends MaskEncoderContract {

    private static final Path DIR = Goldens.dir("mask2former");

    private final GoldenCheckpoint golden = new GoldenCheckpoint(DIR);

    @Override
    protected MaskEncoderProvider provider() {
        return new SwinMaskEncoderProvider();
    }

    @Override
    protected ComponentContext context() {
        return golden.context();
    }

    @Override
    protected void release() {
        golden.close();
    }
}
