package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.Linear;

/** {@code SamFeedForward}: {@code proj_in}, ReLU, {@code layers.*} with ReLU, {@code proj_out}. */
public final class SamFeedForward {

    private final Linear projIn; // [hidden, in]
    private final List<Linear> layers = new ArrayList<>(); // numLayers - 2 x [hidden, hidden]
    private final Linear projOut; // [out, hidden]

    public SamFeedForward(Weights w, int in, int hidden, int out, int numLayers) {
        this.projIn = Linear.load(w, "proj_in", hidden, in, true);
        for (int i = 0; i < numLayers - 2; i++) {
            layers.add(Linear.load(w, "layers." + i, hidden, hidden, true));
        }
        this.projOut = Linear.load(w, "proj_out", out, hidden, true);
    }

    public NDArray forward(NDArray x) {
        NDArray h = Activations.relu(projIn.forward(x));
        for (Linear layer : layers) {
            h = Activations.relu(layer.forward(h));
        }
        return projOut.forward(h);
    }
}
