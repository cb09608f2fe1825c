package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;

/** {@code SamMLPBlock}: {@code lin2(act(lin1(x)))}. */
public final class SamMlpBlock {

    private final Linear lin1; // [mlpDim, hidden]
    private final Linear lin2; // [hidden, mlpDim]
    private final String act;

    public SamMlpBlock(Weights w, int hidden, int mlpDim, String act) {
        this.lin1 = Linear.load(w, "lin1", hidden, mlpDim, true);
        this.lin2 = Linear.load(w, "lin2", mlpDim, hidden, true);
        this.act = act;
    }

    public NDArray forward(NDArray x) {
        return lin2.forward(Ops.activation(act, lin1.forward(x)));
    }
}
