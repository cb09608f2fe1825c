package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import org.segearth.spi.Weights;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.Linear;

/** HF {@code SiglipMLP}: fc1, activation ({@code gelu_pytorch_tanh}), fc2. */
public final class SiglipMLP {

    private final NDArray fc1Weight; // [intermediate, hidden]
    private final NDArray fc1Bias; // [intermediate]
    private final NDArray fc2Weight; // [hidden, intermediate]
    private final NDArray fc2Bias; // [hidden]
    private final String activation;

    /** Loads {@code fc1.*} and {@code fc2.*} of {@code w}. */
    public SiglipMLP(Weights w, int hidden, int intermediate, String activation) {
        fc1Weight = w.getMatrix("fc1.weight", intermediate, hidden);
        fc1Bias = w.get("fc1.bias", intermediate);
        fc2Weight = w.getMatrix("fc2.weight", hidden, intermediate);
        fc2Bias = w.get("fc2.bias", hidden);
        this.activation = activation;
    }

    /** {@code [.., hidden]} -> {@code [.., hidden]}. */
    public NDArray forward(NDArray x) {
        return Linear.apply(Activations.byName(activation, Linear.apply(x, fc1Weight, fc1Bias)), fc2Weight, fc2Bias);
    }
}
