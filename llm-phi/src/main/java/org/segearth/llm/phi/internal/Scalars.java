package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;

/**
 * Constants as 0-d tensors with native storage. DJL's {@code mul(Number)} wraps the number in a
 * tensor made from Java memory and closes it at once, while autograd keeps it for the backward
 * pass, where it then reads freed memory; training needs these instead.
 */
final class Scalars {

    private Scalars() {
    }

    /** {@code x * value}, safe under autograd. */
    static NDArray mul(NDArray x, double value) {
        try (NDArray fromJava = x.getManager().create((float) value)) {
            NDArray scalar = fromJava.duplicate();
            return x.mul(scalar.getDataType() == x.getDataType() ? scalar : scalar.toType(x.getDataType(), false));
        }
    }
}
