package org.segearth.encoders.swin;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.testkit.MaskEncoderContract;

/** The Swin backbone honours the mask encoder contract (the Mask2Former golden's backbone) (golden tiny checkpoint). */
class SwinContractTest extends MaskEncoderContract {

    private static final Path DIR = Goldens.dir("mask2former");

    private NDManager manager;
    private Checkpoint checkpoint;

    @Override
    protected MaskEncoderProvider provider() {
        return new SwinMaskEncoderProvider();
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
}
