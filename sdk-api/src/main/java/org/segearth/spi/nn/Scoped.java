package org.segearth.spi.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.function.Supplier;

/**
 * Forward code whose temporaries are freed on return.
 *
 * <pre>{@code
 * NDArray out = Scoped.compute(() -> {
 *     NDArray h = Activations.geluTanh(fc1.forward(x)); // temporary, freed on return
 *     return fc2.forward(h);                           // kept, in x's manager
 * }, x);
 * }</pre>
 */
public final class Scoped {

    private Scoped() {}

    /**
     * Runs {@code body} with the temporaries it creates in a child of {@code inputs[0]}'s manager,
     * freed on return; only the result is kept (in that manager). The inputs are lent to the child
     * so that operations on them allocate there.
     */
    public static NDArray compute(Supplier<NDArray> body, NDArray... inputs) {
        NDManager outer = inputs[0].getManager();
        try (NDManager scope = outer.newSubManager()) {
            scope.tempAttachAll(inputs);
            NDArray out = body.get();
            out.attach(outer);
            return out;
        }
    }
}
