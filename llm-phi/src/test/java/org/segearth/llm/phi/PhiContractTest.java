package org.segearth.llm.phi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.segearth.runtime.parity.GoldenCheckpoint;
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

    private final GoldenCheckpoint golden = new GoldenCheckpoint(DIR);

    @Override
    protected LanguageModelProvider provider() {
        return new PhiLanguageModelProvider();
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
        return "phi";
    }

    @Override
    protected void runParity(ParityCheck check) {
        ParityResult r = new ParityRunner().run(DIR, line -> { });
        assertTrue(r.ok(), r.toString());
    }
}
