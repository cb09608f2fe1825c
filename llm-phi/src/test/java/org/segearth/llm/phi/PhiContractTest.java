package org.segearth.llm.phi;

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
import org.segearth.spi.LanguageModelProvider;
import org.segearth.testkit.LanguageModelContract;

/** Phi-2 honours the language model contract (golden tiny checkpoint). */
class PhiContractTest extends LanguageModelContract {

    private static final Path DIR = Goldens.dir("phi");

    private NDManager manager;
    private Checkpoint checkpoint;

    @Override
    protected LanguageModelProvider provider() {
        return new PhiLanguageModelProvider();
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
        return "phi";
    }

    @Override
    protected void runParity(ParityCheck check) {
        ParityResult r = new ParityRunner().run(DIR, line -> { });
        assertTrue(r.ok(), r.toString());
    }
}
