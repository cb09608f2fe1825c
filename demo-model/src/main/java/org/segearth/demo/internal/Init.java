package org.segearth.demo.internal;

/**
 * How a parameter starts, after Hugging Face's {@code _init_weights} and {@code torch.nn.init}.
 * Fan-in and fan-out are PyTorch's: {@code shape[1] * receptive field} and
 * {@code shape[0] * receptive field}.
 */
public sealed interface Init {

    /** {@code normal_(0, std)}. */
    record Normal(double std) implements Init {}

    /** {@code trunc_normal_(0, std, -2 std, 2 std)}. */
    record TruncNormal(double std) implements Init {}

    /** Every element {@code value} ({@code zeros_}, {@code ones_}, {@code constant_}). */
    record Constant(double value) implements Init {}

    /** {@code xavier_uniform_(gain)}: U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)). */
    record XavierUniform(double gain) implements Init {}

    /** {@code lecun_normal_}: truncated normal with variance 1 / fan_in (SigLIP's patch embedding). */
    record LecunNormal() implements Init {}

    /**
     * {@code kaiming_uniform_(a = sqrt(5))} as {@code nn.Linear}, {@code nn.Conv2d} and PEFT's
     * {@code lora_A} start: U(-b, b), b = 1 / sqrt(fan_in); with {@code fanInOf} set, the bound of
     * that other parameter's fan-in (a layer's bias).
     */
    record KaimingUniform(long fanInOf) implements Init {
        /** Bound from the tensor's own fan-in. */
        public KaimingUniform() {
            this(0);
        }
    }

    /** Fixed values, row-major (MSDeformAttn's sampling offset grid, Mask2Former's empty weight). */
    record Values(float[] values) implements Init {}

    /** zeros. */
    static Init zeros() {
        return new Constant(0);
    }

    /** ones. */
    static Init ones() {
        return new Constant(1);
    }
}
