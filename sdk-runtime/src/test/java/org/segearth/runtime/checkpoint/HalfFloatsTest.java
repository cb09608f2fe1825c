package org.segearth.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

/** The Java float16 conversions against torch's own ({@code Tensor.to}), bit for bit. */
class HalfFloatsTest {

    @Test
    void everyFloat16WidensAsTorchDoes() {
        try (NDManager manager = Engines.newManager()) {
            ByteBuffer halves = ByteBuffer.allocateDirect(65536 * 2).order(ByteOrder.nativeOrder());
            for (int h = 0; h < 65536; h++) {
                halves.putShort((short) h);
            }
            halves.flip();
            NDArray torch = manager.create(halves, new Shape(65536), DataType.FLOAT16).toType(DataType.FLOAT32, false);
            float[] expected = torch.toFloatArray();
            for (int h = 0; h < 65536; h++) {
                int bits = HalfFloats.toFloatBits((short) h);
                float e = expected[h];
                if (Float.isNaN(e)) {
                    assertEquals(true, Float.isNaN(Float.intBitsToFloat(bits)), "NaN " + Integer.toHexString(h));
                } else {
                    assertEquals(Float.floatToRawIntBits(e), bits, "half " + Integer.toHexString(h));
                }
            }
        }
    }

    @Test
    void floatsNarrowAsTorchDoesRoundingToNearestEven() {
        int n = 1 << 20;
        float[] values = new float[n];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            // half the values near float16's range (subnormals, ties, overflow), half any finite float
            values[i] = i % 2 == 0
                    ? Float.intBitsToFloat(random.nextInt(0x3000_0000, 0x4800_0000) | (random.nextBoolean() ? 0x8000_0000 : 0))
                    : Float.intBitsToFloat(random.nextInt() & 0xFF7F_FFFF);
        }
        values[0] = 65520f; // the first value that rounds to infinity
        values[2] = 65519.996f;
        values[4] = 0x1p-25f; // half the smallest subnormal: a tie, to zero
        values[6] = 0x1.8p-25f;
        values[8] = 0x1p-24f;
        try (NDManager manager = Engines.newManager()) {
            NDArray torch = manager.create(values).toType(DataType.FLOAT16, false);
            ByteBuffer bytes = torch.toByteBuffer().order(ByteOrder.nativeOrder());
            for (int i = 0; i < n; i++) {
                short expected = bytes.getShort(2 * i);
                assertEquals(expected, HalfFloats.fromFloatBits(Float.floatToRawIntBits(values[i])),
                        "float " + values[i] + " (" + Integer.toHexString(Float.floatToRawIntBits(values[i])) + ")");
            }
        }
    }
}
