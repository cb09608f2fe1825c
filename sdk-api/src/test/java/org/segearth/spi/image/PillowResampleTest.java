package org.segearth.spi.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;

class PillowResampleTest {

    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void bilinearDownscaleAntialiasesLikePillowOnOneChannel() {
        // 4 -> 2 pixels: support 2, weights [3/7, 3/7, 1/7] and [1/7, 3/7, 3/7]
        byte[] out = PillowResample.resize(bytes(0, 100, 200, 255), 4, 1, 1, 2, 1, PillowResample.Filter.BILINEAR);
        assertArrayEquals(bytes(71, 209), out);
    }

    @Test
    void channelsAreIndependent() {
        byte[] two = bytes(0, 10, 100, 10, 200, 10, 255, 10);
        byte[] out = PillowResample.resize(two, 4, 1, 2, 2, 1, PillowResample.Filter.BILINEAR);
        assertArrayEquals(bytes(71, 10, 209, 10), out);
    }

    @Test
    void sameSizeReturnsTheInputAndBadSizesAreRejected() {
        byte[] px = bytes(1, 2, 3, 4);
        assertSame(px, PillowResample.resize(px, 2, 2, 1, 2, 2, PillowResample.Filter.BICUBIC));
        assertThrows(SegEarthException.class, () -> PillowResample.resize(px, 2, 2, 1, 0, 2,
                PillowResample.Filter.BILINEAR));
        assertThrows(SegEarthException.class, () -> PillowResample.resize(px, 3, 2, 1, 1, 1,
                PillowResample.Filter.BILINEAR));
    }
}
