package org.segearth.spi.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;

class ActivationsTest {

    @Test
    void formulasMatchPlainJava() {
        float[] xs = {-6f, -2.5f, -1f, -0.1f, 0f, 0.3f, 1f, 2f, 7f};
        try (NDManager m = Engines.newManager()) {
            float[] sig = Activations.sigmoid(m.create(xs)).toFloatArray();
            float[] tanh = Activations.geluTanh(m.create(xs)).toFloatArray();
            float[] erf = Activations.byName("gelu", m.create(xs)).toFloatArray();
            float[] relu = Activations.byName("relu", m.create(xs)).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double x = xs[i];
                assertEquals(1 / (1 + Math.exp(-x)), sig[i], 1e-6);
                assertEquals(0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))), tanh[i],
                        1e-5);
                assertEquals(Math.max(x, 0), relu[i], 0);
                // erf-GELU lies within 1e-3 of the tanh form
                assertEquals(tanh[i], erf[i], 1e-3);
            }
        }
        assertThrows(SegEarthException.class, () -> Activations.requireSupported("swish"));
    }
}
