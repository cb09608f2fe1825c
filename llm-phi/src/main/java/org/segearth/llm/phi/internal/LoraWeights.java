package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;

/**
 * One LoRA pair of a linear layer: {@code y += scale * B(A(x))}.
 *
 * @param loraA {@code [r, in]}
 * @param loraB {@code [out, r]}
 * @param scale alpha / r (or alpha / sqrt(r) with rsLoRA)
 * @param dropout dropout on the adapter's input while training
 */
public record LoraWeights(NDArray loraA, NDArray loraB, double scale, double dropout) {

    /** The update {@code scale * B A} in the base weight's layout {@code [out, in]}. */
    public NDArray delta() {
        return loraB.matMul(loraA).mul(scale);
    }
}
