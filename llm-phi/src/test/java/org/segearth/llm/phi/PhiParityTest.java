package org.segearth.llm.phi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

class PhiParityTest {

    @Test
    void reproducesThePhiGolden() {
        ParityResult r = new ParityRunner().run(Goldens.dir("phi"), System.out::println);
        System.out.println(r.verdict());
        assertTrue(r.ok(), r.verdict());
    }
}
