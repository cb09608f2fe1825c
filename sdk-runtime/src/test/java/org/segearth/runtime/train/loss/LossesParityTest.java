package org.segearth.runtime.train.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

class LossesParityTest {

    @Test
    void reproducesLossesGolden() {
        ParityResult r = new ParityRunner().run(Goldens.dir("losses"), System.out::println);
        assertTrue(r.ok(), r.verdict());
    }
}
