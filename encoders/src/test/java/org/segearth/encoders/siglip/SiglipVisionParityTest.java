package org.segearth.encoders.siglip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

class SiglipVisionParityTest {

    @Test
    void javaAndOnnxTowersMatchTheGolden() {
        ParityResult r = new ParityRunner().run(Goldens.dir("siglip_vision"), System.out::println);
        assertTrue(r.ok(), r.verdict());
        // hidden_states, last_hidden_state, pooler_output, onnx vs golden, onnx vs java
        assertEquals(5, r.comparisons().size(), r.verdict());
    }
}
