package org.segearth.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

class PreprocessParityTest {

    @Test
    void matchesPillowOnTheGolden() {
        ParityResult r = new ParityRunner().run(Goldens.dir("preprocess"), System.out::println);
        assertTrue(r.ok(), r.verdict());
        assertEquals(6, r.comparisons().size(), r.verdict());
    }
}
