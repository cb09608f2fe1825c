package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.Linear;

/** {@code SamMLPBlock}: {@code lin2(act(lin1(x)))}. */
public final class SamMlpBlock {

    private final Linear lin1; // [mlpDim, hidden]
    private final Linear lin2; // [hidden, mlpDim]
    private final String act;

    public SamMlpBlock(Weights w, int hidden, int mlpDim, String act) {
        this.lin1 = Linear.load(w, "lin1", mlpDim, hidden, true);
        this.lin2 = Linear.load(w, "lin2", hidden, mlpDim, true);
        this.act = act;
    }

    public NDArray forward(NDArray x) {
        return lin2.forward(Activations.byName(act, lin1.forward(x)));
    }
}
