package org.segearth.spi.nn;

import org.segearth.spi.nn.Scalars;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

class ScalarsTest {

    @Test
    void sameBitsAsTheNumberForms() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(4, 5));
            assertArrayEquals(x.mul(0.044715f).toFloatArray(), Scalars.mul(x, 0.044715f).toFloatArray(), 0f);
            assertArrayEquals(x.div(7f).toFloatArray(), Scalars.div(x, 7f).toFloatArray(), 0f);
            assertArrayEquals(x.pow(3).toFloatArray(), Scalars.pow(x, 3).toFloatArray(), 0f);
        }
    }

    @Test
    void gradientsSurviveTheForwardScope() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.randomNormal(new Shape(1, 1, 6, 8));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray loss;
                try (NDManager scope = m.newSubManager()) {
                    NDArray y = Activations.geluTanh(Interpolation.bilinear(x, 3, 5));
                    loss = y.sum();
                    loss.attach(m);
                }
                gc.backward(loss);
            }
            // the same graph built and differentiated with everything alive
            NDArray x2 = x.duplicate();
            x2.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(Activations.geluTanh(Interpolation.bilinear(x2, 3, 5)).sum());
            }
            assertArrayEquals(x2.getGradient().toFloatArray(), x.getGradient().toFloatArray(), 0f);
        }
    }
}
