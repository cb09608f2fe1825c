package org.segearth.runtime.checkpoint;

/**
 * IEEE 754 binary16 (float16) conversions on bit patterns, as {@code torch.Tensor.to(torch.half)}
 * and back do them: round to nearest, ties to even; overflow to infinity; subnormals kept; NaN
 * stays NaN. (Java 17 has no {@code Float.floatToFloat16}.)
 */
final class HalfFloats {

    private HalfFloats() {}

    /** The float32 bits of the float16 {@code half}. */
    static int toFloatBits(short half) {
        int h = half & 0xFFFF;
        int sign = (h & 0x8000) << 16;
        int exponent = (h >>> 10) & 0x1F;
        int mantissa = h & 0x3FF;
        if (exponent == 0x1F) {
            return sign | 0x7F800000 | (mantissa << 13); // infinity or NaN
        }
        if (exponent == 0) {
            if (mantissa == 0) {
                return sign;
            }
            // subnormal: normalise
            int shift = Integer.numberOfLeadingZeros(mantissa) - 21;
            mantissa = (mantissa << shift) & 0x3FF;
            exponent = 1 - shift;
        }
        return sign | ((exponent + 112) << 23) | (mantissa << 13);
    }

    /** The float16 nearest to the float32 with bits {@code single} (ties to even). */
    static short fromFloatBits(int single) {
        int sign = (single >>> 16) & 0x8000;
        int exponent = (single >>> 23) & 0xFF;
        int mantissa = single & 0x7FFFFF;
        if (exponent == 0xFF) {
            return (short) (sign | 0x7C00 | (mantissa != 0 ? 0x200 | (mantissa >>> 13) : 0));
        }
        int e = exponent - 127 + 15;
        if (e >= 0x1F) {
            return (short) (sign | 0x7C00); // overflow
        }
        if (e <= 0) {
            if (e < -10) {
                return (short) sign; // below half the smallest subnormal: zero
            }
            int full = mantissa | 0x800000; // with the implicit bit
            int shift = 14 - e;
            int result = full >>> shift;
            int rest = full & ((1 << shift) - 1);
            int half = 1 << (shift - 1);
            if (rest > half || (rest == half && (result & 1) != 0)) {
                result++;
            }
            return (short) (sign | result);
        }
        int result = (e << 10) | (mantissa >>> 13);
        int rest = mantissa & 0x1FFF;
        if (rest > 0x1000 || (rest == 0x1000 && (result & 1) != 0)) {
            result++; // may carry into the exponent, up to infinity: correct
        }
        return (short) (sign | result);
    }
}
