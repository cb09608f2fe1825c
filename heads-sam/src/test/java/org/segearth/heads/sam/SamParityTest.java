package org.segearth.heads.sam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;
import org.segearth.runtime.parity.TensorComparison;

class SamParityTest {

    @Test
    void reproducesTheSamDumpWithBothEncoderEngines() {
        ParityResult r = new ParityRunner().run(Goldens.dir("sam"), System.out::println);
        assertTrue(r.ok(), r.verdict());
        System.out.println(r.verdict());
        for (String name : SamParityCheck.expected()) {
            long n = r.comparisons().stream().map(TensorComparison::name).filter(name::equals).count();
            assertEquals(name.equals("image_positional_embeddings") ? 1 : 2, n, name + " compared per engine");
        }
        assertTrue(r.comparisons().stream().anyMatch(c -> c.name().equals("image_embeddings[onnx vs java]")));
    }
}
