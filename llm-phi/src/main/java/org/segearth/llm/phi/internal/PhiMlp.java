package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.config.PhiConfig;

/** {@code PhiMLP}: fc1 -> activation ({@code gelu_new}, the tanh approximation) -> fc2. */
public final class PhiMlp {

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    private final Linear fc1; // [intermediate, hidden]
    private final Linear fc2; // [hidden, intermediate]
    private final String act;

    private PhiMlp(Linear fc1, Linear fc2, String act) {
        this.fc1 = fc1;
        this.fc2 = fc2;
        this.act = act;
    }

    public static PhiMlp load(Weights w, PhiConfig c, NDManager owner) {
        String act = c.hiddenAct();
        if (!List.of("gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu").contains(act)) {
            throw new SegEarthException("Phi config: hidden_act '" + act
                    + "' is not supported; expected gelu_new (Phi-2), gelu_pytorch_tanh or gelu");
        }
        return new PhiMlp(
                Linear.load(w, "fc1", c.intermediateSize(), c.hiddenSize(), true, owner),
                Linear.load(w, "fc2", c.hiddenSize(), c.intermediateSize(), true, owner),
                act);
    }

    public List<Linear> linears() {
        return List.of(fc1, fc2);
    }

    public NDArray forward(NDArray x) {
        return fc2.forward(activation(fc1.forward(x)));
    }

    private NDArray activation(NDArray x) {
        if ("gelu".equals(act)) {
            return x.getNDArrayInternal().gelu();
        }
        return geluNew(x);
    }

    /** {@code 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))}. */
    public static NDArray geluNew(NDArray x) {
        NDArray inner = Scalars.mul(x.add(Scalars.mul(x.mul(x).mul(x), 0.044715f)), (float) SQRT_2_OVER_PI);
        return Scalars.mul(x, 0.5f).mul(inner.tanh().add(1f));
    }
}
