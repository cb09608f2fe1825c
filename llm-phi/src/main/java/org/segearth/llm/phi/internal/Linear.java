package org.segearth.llm.phi.internal;

import org.segearth.spi.nn.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

/**
 * A {@code torch.nn.Linear} ({@code y = x W^T + b}) that can carry an unmerged LoRA pair or merge one;
 * the products are {@link org.segearth.spi.nn.Linear#apply}.
 */
public final class Linear {

    private final String path;
    private NDArray weight; // [out, in]
    private final NDArray bias; // [out] or null
    private LoraWeights lora;
    private boolean training;

    private Linear(String path, NDArray weight, NDArray bias) {
        this.path = path;
        this.weight = weight;
        this.bias = bias;
    }

    /** Loads {@code <path>.weight} ({@code [out, in]}) and, when present or required, {@code <path>.bias}. */
    public static Linear load(Weights w, String path, long out, long in, boolean requireBias, NDManager owner) {
        NDArray weight = w.getMatrix(path + ".weight", out, in);
        weight.attach(owner);
        NDArray bias = null;
        if (requireBias || w.contains(path + ".bias")) {
            bias = w.get(path + ".bias", out);
            bias.attach(owner);
        }
        return new Linear(qualified(w, path), weight, bias);
    }

    /** A linear layer around existing arrays. */
    public static Linear of(String path, NDArray weight, NDArray bias) {
        return new Linear(path, weight, bias);
    }

    private static String qualified(Weights w, String path) {
        return w.scope().isEmpty() ? path : w.scope() + "." + path;
    }

    /** The module path, e.g. {@code model.layers.0.self_attn.q_proj}. */
    public String path() {
        return path;
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }

    public long inFeatures() {
        return weight.getShape().get(1);
    }

    public NDArray weight() {
        return weight;
    }

    public NDArray bias() {
        return bias;
    }

    /** The unmerged LoRA pair, or null. */
    public LoraWeights lora() {
        return lora;
    }

    /** Attaches an unmerged LoRA pair (shapes checked). */
    public void setLora(LoraWeights pair) {
        if (pair != null) {
            long r = pair.loraA().getShape().get(0);
            if (pair.loraA().getShape().get(1) != inFeatures() || pair.loraB().getShape().get(0) != outFeatures()
                    || pair.loraB().getShape().get(1) != r) {
                throw new SegEarthException("LoRA for " + path + ": lora_A " + pair.loraA().getShape() + " and lora_B "
                        + pair.loraB().getShape() + " do not fit the layer [" + outFeatures() + ", " + inFeatures()
                        + "]; expected lora_A [r, " + inFeatures() + "] and lora_B [" + outFeatures() + ", r]");
            }
        }
        this.lora = pair;
    }

    /** In training mode the LoRA input gets the adapter's dropout. */
    public void setTraining(boolean on) {
        this.training = on;
    }

    /**
     * Folds {@code pair} into the weight: {@code W += scale * B A}. A weight kept in 16 bits keeps
     * the pair unmerged instead (two rank-r products per call): folding would round the adapter's
     * update to 16 bits, and the products stay those of float32 weights.
     */
    public void merge(LoraWeights pair) {
        setLora(pair);
        if (weight.getDataType() != DataType.FLOAT32) {
            return;
        }
        this.lora = null;
        NDManager owner = weight.getManager();
        NDArray delta = pair.delta();
        NDArray merged = weight.add(delta);
        merged.attach(owner);
        delta.close();
        weight.close();
        weight = merged;
    }

    /** {@code x W^T + b (+ scale * B(A(x)))}; the result lives in {@code x}'s manager. */
    public NDArray forward(NDArray x) {
        NDArray y = org.segearth.spi.nn.Linear.apply(x, weight, bias);
        if (lora != null) {
            NDArray in = training && lora.dropout() > 0
                    ? ai.djl.nn.norm.Dropout.dropout(x, (float) lora.dropout(), true).singletonOrThrow() : x;
            NDArray down = org.segearth.spi.nn.Linear.apply(in, lora.loraA(), null);
            NDArray up = org.segearth.spi.nn.Linear.apply(down, lora.loraB(), null);
            y = y.add(Scalars.mul(up, lora.scale()));
        }
        return y;
    }
}
