package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

/** The composite parity test: the whole model against the {@code segearth_r2_tiny} golden. */
class SegEarthParityTest {

    @Test
    void reproducesEveryIntermediateOfTheTinyModel() {
        ParityResult r = new ParityRunner().run(Goldens.dir("segearth_r2_tiny"), System.out::println);
        assertTrue(r.ok(), r.verdict());
    }
}
