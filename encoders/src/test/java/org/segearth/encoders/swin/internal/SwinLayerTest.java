package org.segearth.encoders.swin.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

class SwinLayerTest {

    @Test
    void backboneKeepsWindowAndShiftOnSmallStages() {
        // SwinBackbone passes always_partition=True: the configured window and shift everywhere
        assertArrayEquals(new int[] {7, 3}, windowAndShift(7, 3, 8, 8, true));
        assertArrayEquals(new int[] {7, 3}, windowAndShift(7, 3, 7, 9, true));
        assertArrayEquals(new int[] {7, 3}, windowAndShift(7, 3, 4, 12, true));
        assertArrayEquals(new int[] {3, 1}, windowAndShift(3, 1, 2, 2, true));
    }

    @Test
    void modelWindowShrinksAndStopsShiftingOnSmallStages() {
        // SwinModel's set_shift_and_window_size: min(resolution) <= window -> window = min, shift = 0
        assertArrayEquals(new int[] {7, 3}, windowAndShift(7, 3, 8, 8, false));
        assertArrayEquals(new int[] {7, 0}, windowAndShift(7, 3, 7, 9, false));
        assertArrayEquals(new int[] {4, 0}, windowAndShift(7, 3, 4, 12, false));
        assertArrayEquals(new int[] {3, 1}, windowAndShift(3, 1, 4, 4, false));
    }

    private static int[] windowAndShift(int window, int shift, int h, int w, boolean alwaysPartition) {
        return SwinLayer.windowAndShift(window, shift, h, w, alwaysPartition);
    }

    @Test
    void shiftMaskSeparatesTheRegionsOfHfSlices() {
        Engines.init();
        int hp = 6;
        int wp = 9;
        int window = 3;
        int shift = 1;
        // HF: img_mask regions from slices (0, -w), (-w, -s), (-s, None) per axis, counted row-major
        int[][] region = new int[hp][wp];
        int[][] bounds = {{0, hp - window}, {hp - window, hp - shift}, {hp - shift, hp}};
        int[][] wBounds = {{0, wp - window}, {wp - window, wp - shift}, {wp - shift, wp}};
        int count = 0;
        for (int[] hb : bounds) {
            for (int[] wb : wBounds) {
                for (int y = hb[0]; y < hb[1]; y++) {
                    for (int x = wb[0]; x < wb[1]; x++) {
                        region[y][x] = count;
                    }
                }
                count++;
            }
        }
        try (NDManager m = Engines.newManager()) {
            NDArray mask = SwinLayer.shiftMask(m, hp, wp, window, shift);
            assertEquals(new Shape(6, 9, 9), mask.getShape());
            float[] got = mask.toFloatArray();
            int nw = wp / window;
            for (int win = 0; win < 6; win++) {
                int oy = win / nw * window;
                int ox = win % nw * window;
                for (int i = 0; i < 9; i++) {
                    for (int j = 0; j < 9; j++) {
                        int ri = region[oy + i / window][ox + i % window];
                        int rj = region[oy + j / window][ox + j % window];
                        assertEquals(ri == rj ? 0f : -100f, got[(win * 9 + i) * 9 + j]);
                    }
                }
            }
        }
    }

    @Test
    void partitionAndReverseAreInverse() {
        Engines.init();
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.arange(2 * 6 * 9 * 4).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).reshape(2, 6, 9, 4);
            NDArray windows = SwinLayer.partition(x, 3);
            assertEquals(new Shape(12, 3, 3, 4), windows.getShape());
            // second window of the first image starts at column 3
            assertEquals(x.get("0, 0, 3, 0").getFloat(), windows.get("1, 0, 0, 0").getFloat());
            assertEquals(x, SwinLayer.reverse(windows, 3, 6, 9));
        }
    }

    @Test
    void rollMatchesTorchRoll() {
        Engines.init();
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.arange(5f).reshape(1, 5);
            assertArrayEquals(new float[] {2, 3, 4, 0, 1}, SwinOps.roll(x, -2, 1).toFloatArray());
            assertArrayEquals(new float[] {3, 4, 0, 1, 2}, SwinOps.roll(x, 2, 1).toFloatArray());
        }
    }
}
