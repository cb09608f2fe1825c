package org.segearth.heads.sam.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;

class SamVisionPiecesTest {

    @Test
    void windowPartitionPadsAndUnpartitionRestores() {
        try (NDManager m = Engines.newManager()) {
            NDArray x = m.arange(50f).reshape(1, 5, 5, 2).add(1f);
            NDArray windows = SamVisionLayer.windowPartition(x, 2);
            assertArrayEquals(new long[] {9, 2, 2, 2}, windows.getShape().getShape());
            // the last window holds one real token and three zero-padded ones
            NDArray last = windows.get(8);
            assertEquals(x.get(0, 4, 4, 0).getFloat(), last.get(0, 0, 0).getFloat());
            assertEquals(0f, last.get(new NDIndex("1, :, :")).abs().sum().getFloat());
            assertEquals(0f, last.get(new NDIndex(":, 1, :")).abs().sum().getFloat());
            // window 1 is rows 0-1, columns 2-3
            assertEquals(x.get(0, 1, 3, 1).getFloat(), windows.get(1, 1, 1, 1).getFloat());
            NDArray back = SamVisionLayer.windowUnpartition(windows, 2, 6, 6, 5, 5);
            assertArrayEquals(x.toFloatArray(), back.toFloatArray());
        }
    }

    @Test
    void relPosTableIsIndexedByRelativeDistance() {
        try (NDManager m = Engines.newManager()) {
            NDArray table = m.arange(5f).reshape(5, 1).repeat(1, 2); // row r holds r
            NDArray r = SamVisionAttention.getRelPos(3, 3, table);
            assertArrayEquals(new long[] {3, 3, 2}, r.getShape().getShape());
            for (int q = 0; q < 3; q++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(q - k + 2, r.get(q, k, 1).getFloat(), 0f);
                }
            }
        }
    }

    @Test
    void relPosTableIsInterpolatedLinearlyWhenItsLengthDiffers() {
        try (NDManager m = Engines.newManager()) {
            NDArray table = m.create(new float[] {0, 1, 2}, new Shape(3, 1)); // length 3, 5 needed
            NDArray r = SamVisionAttention.getRelPos(3, 3, table);
            // torch linear, align_corners=False, 3 -> 5: [0, 0.4, 1.0, 1.6, 2.0]
            float[] resized = {0f, 0.4f, 1.0f, 1.6f, 2.0f};
            for (int q = 0; q < 3; q++) {
                for (int k = 0; k < 3; k++) {
                    assertEquals(resized[q - k + 2], r.get(q, k, 0).getFloat(), 1e-6f);
                }
            }
        }
    }

    @Test
    void relPosScalesCoordinatesWhenQueryAndKeySizesDiffer() {
        try (NDManager m = Engines.newManager()) {
            NDArray table = m.arange(7f).reshape(7, 1);
            NDArray r = SamVisionAttention.getRelPos(2, 4, table);
            assertArrayEquals(new long[] {2, 4, 1}, r.getShape().getShape());
            for (int q = 0; q < 2; q++) {
                for (int k = 0; k < 4; k++) {
                    assertEquals(q * 2 - k + 3, r.get(q, k, 0).getFloat(), 0f);
                }
            }
        }
    }
}
