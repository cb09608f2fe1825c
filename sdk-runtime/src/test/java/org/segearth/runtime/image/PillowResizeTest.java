package org.segearth.runtime.image;

import org.segearth.spi.image.PillowResample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;

class PillowResizeTest {

    private static RgbImage gradient(int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (x * 255 / Math.max(1, w - 1));
                rgb[o + 1] = (byte) (y * 255 / Math.max(1, h - 1));
                rgb[o + 2] = (byte) ((x * 37 + y * 91) % 256);
            }
        }
        return RgbImage.of(w, h, rgb);
    }

    @Test
    void sameSizeIsIdentity() {
        RgbImage img = gradient(7, 5);
        assertSame(img, PillowResize.resize(img, 7, 5, PillowResample.Filter.BICUBIC));
    }

    @Test
    void constantImageStaysConstantUpAndDown() {
        byte[] rgb = new byte[9 * 6 * 3];
        java.util.Arrays.fill(rgb, (byte) 200);
        RgbImage img = RgbImage.of(9, 6, rgb);
        for (PillowResample.Filter f : PillowResample.Filter.values()) {
            for (int[] size : new int[][] {{3, 2}, {20, 31}, {9, 1}, {1, 9}}) {
                RgbImage out = PillowResize.resize(img, size[0], size[1], f);
                assertEquals(size[0], out.width());
                assertEquals(size[1], out.height());
                for (byte b : out.toBytes()) {
                    assertEquals(200, b & 0xFF);
                }
            }
        }
    }

    @Test
    void coefficientsAreNormalisedAndWidenWhenDownscaling() {
        PillowResample.Coefficients up = PillowResample.coefficients(10, 20, PillowResample.Filter.BICUBIC);
        assertEquals(5, up.ksize());
        PillowResample.Coefficients down = PillowResample.coefficients(40, 10, PillowResample.Filter.BICUBIC);
        assertEquals(17, down.ksize()); // support 2 * 4 = 8 -> 8 * 2 + 1
        for (int xx = 0; xx < 10; xx++) {
            long sum = 0;
            for (int i = 0; i < down.count()[xx]; i++) {
                sum += down.weights()[xx * down.ksize() + i];
            }
            assertEquals(1 << PillowResample.PRECISION_BITS, sum, 2.0);
        }
    }

    @Test
    void bilinearTwoToOneAveragesWithTriangleWeights() {
        // 4 -> 2 pixels, one row: scale 2, support 2, output 0 covers inputs 0..2 with weights 3,1 (x 1/4, 3/4)
        byte[] rgb = new byte[4 * 3];
        int[] values = {0, 100, 200, 40};
        for (int i = 0; i < 4; i++) {
            rgb[i * 3] = (byte) values[i];
        }
        RgbImage out = PillowResize.resize(RgbImage.of(4, 1, rgb), 2, 1, PillowResample.Filter.BILINEAR);
        // output 0: center 1.0, weights for inputs 0,1,2 = tri((0.5-1)/2), tri(0.5/2 - 0.5..): 0.75, 0.75, 0.25 -> /1.75
        double w0 = 0.75 / 1.75;
        double w1 = 0.75 / 1.75;
        double w2 = 0.25 / 1.75;
        int expected = (int) Math.round(w0 * 0 + w1 * 100 + w2 * 200);
        assertEquals(expected, out.get(0, 0, 0));
    }

    @Test
    void rejectsEmptyTargets() {
        assertThrows(SegEarthException.class, () -> PillowResize.resize(gradient(3, 3), 0, 3, PillowResample.Filter.BILINEAR));
    }

    @Test
    void letterboxGeometry() {
        assertArrayEquals(new int[] {83, 128}, Letterbox.scaledSize(299, 460, 128));
        assertArrayEquals(new int[] {128, 83}, Letterbox.scaledSize(460, 299, 128));
        assertArrayEquals(new int[] {1024, 1024}, Letterbox.scaledSize(5, 5, 1024));
        PixelTensor t = Letterbox.apply(gradient(10, 4), 8);
        assertEquals(3, t.validHeight());
        assertEquals(8, t.validWidth());
        float pad = (float) ((128 - Letterbox.MEAN[1]) / Letterbox.STD[1]);
        assertEquals(pad, t.chw()[64 + 7 * 8 + 2]);
    }
}
