package org.segearth.runtime.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.segearth.api.Mask;
import org.segearth.runtime.Engines;

class MaskPostprocessorTest {

    /** Logits on a 256 frame at stride 4 with values around 0, so that many pixels sit near the threshold. */
    private static NDArray logits(NDManager m, int targets, long seed) {
        Random random = new Random(seed);
        float[] values = new float[targets * 64 * 64];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian() * 3;
        }
        return m.create(values, new Shape(targets, 64, 64));
    }

    /**
     * {@link MaskPostprocessor#pack} against {@code toOriginal}, {@code gt(0)} and {@code scores}: bit for
     * bit in one band; in several bands the products run over fewer rows, which the BLAS may sum in
     * another order, so logits may differ in their last bits (relative 1e-6) and a mask only at a
     * pixel whose logit is that close to 0.
     */
    private static void assertPackedEqualsWhole(NDArray logits, int validH, int validW, int height, int width,
            long bandElements) {
        int targets = (int) logits.getShape().get(0);
        boolean oneBand = (long) targets * height * width <= bandElements || (long) height * width <= 256 * 256;
        NDArray full = MaskPostprocessor.toOriginal(logits, 256, validH, validW, height, width);
        NDArray masks = full.gt(0);
        float[] scores = MaskPostprocessor.scores(full, masks);
        MaskPostprocessor.Packed packed = MaskPostprocessor.pack(logits, 256, validH, validW, height, width, true,
                bandElements, n -> { });
        assertEquals(targets, packed.masks().size());
        String where = " in bands of " + bandElements + " values";
        for (int t = 0; t < targets; t++) {
            float[] expected = full.get(t).toFloatArray();
            float[] actual = packed.logits().get(t);
            Mask whole = Mask.fromBytes(masks.get(t).toType(DataType.UINT8, false).toByteArray(), width, height);
            Mask banded = packed.masks().get(t);
            if (oneBand) {
                assertArrayEquals(expected, actual, 0f, "target " + t + where);
                assertEquals(whole, banded, "target " + t + where);
                assertEquals(scores[t], packed.scores()[t], 0f, "target " + t + where);
                continue;
            }
            int nearZero = 0;
            for (int i = 0; i < expected.length; i++) {
                float tolerance = 1e-6f * Math.max(1f, Math.abs(expected[i]));
                if (Math.abs(expected[i] - actual[i]) > tolerance) {
                    assertEquals(expected[i], actual[i], tolerance, "target " + t + " value " + i + where);
                }
                if (whole.get(i % width, i / width) != banded.get(i % width, i / width)) {
                    assertTrue(Math.abs(expected[i]) <= tolerance, "target " + t + " pixel " + i + " logit "
                            + expected[i] + " flips" + where);
                    nearZero++;
                }
            }
            assertTrue(nearZero <= expected.length / 100_000, nearZero + " flips in target " + t + where);
            assertEquals(scores[t], packed.scores()[t], 1e-5f, "target " + t + where);
        }
    }

    @Test
    void bandsOfRowsGiveTheWholeResizesMasks() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = logits(m, 2, 1);
            // enlarging (600 x 800 from a 200 x 256 crop), in bands of 31 rows and of all rows; in bands of one row
            for (long band : new long[] {50_000, 2L * 600 * 800}) {
                assertPackedEqualsWhole(logits, 200, 256, 600, 800, band);
            }
            assertPackedEqualsWhole(logits, 200, 256, 300, 400, 1);
            // shrinking, one side unchanged, and both sides unchanged (no product)
            assertPackedEqualsWhole(logits, 256, 180, 97, 60, 500);
            assertPackedEqualsWhole(logits, 256, 180, 200, 400, 5_000); // rows shrink, columns grow
            assertPackedEqualsWhole(logits, 256, 180, 97, 60, MaskPostprocessor.BAND_ELEMENTS);
            assertPackedEqualsWhole(logits, 256, 180, 256, 700, 10_000);
            assertPackedEqualsWhole(logits, 256, 180, 256, 180, 10_000);
        }
    }

    @Test
    void anImageUpToTheFrameIsOneBandWhateverTheTargets() {
        try (NDManager m = Engines.newManager()) {
            int[] bands = new int[1];
            MaskPostprocessor.pack(logits(m, 5, 4), 256, 256, 200, 256, 200, false, 1, n -> bands[0]++);
            assertEquals(1, bands[0], "an image of the frame's size");
            bands[0] = 0;
            MaskPostprocessor.pack(logits(m, 5, 4), 256, 256, 200, 257, 256, false, 5L * 256 * 20, n -> bands[0]++);
            assertEquals(13, bands[0], "257 rows larger than the frame, 20 a band");
        }
    }

    @Test
    void packingNoTargetGivesNothingAndLogitsOnlyWhenAsked() {
        try (NDManager m = Engines.newManager()) {
            MaskPostprocessor.Packed none = MaskPostprocessor.pack(m.zeros(new Shape(0, 64, 64)), 256, 200, 256, 30,
                    40, false);
            assertTrue(none.masks().isEmpty());
            assertEquals(0, none.scores().length);
            MaskPostprocessor.Packed one = MaskPostprocessor.pack(logits(m, 1, 2), 256, 200, 256, 30, 40, false);
            assertNull(one.logits());
            assertEquals(30, one.masks().get(0).height());
            assertEquals(40, one.masks().get(0).width());
        }
    }

    /**
     * The masks of a large image never pass through a full-size array: each band's logits (the
     * largest native array) hold at most the band's values, and the Java heap this thread
     * allocates while packing stays under 1 byte per pixel and target (each band's masks packed 8
     * pixels a byte, 1/8, and the packed masks twice, 1/4), where one full-size byte array alone
     * would be 1 and a float array 4.
     */
    @Test
    void packingALargeImageMakesNoFullSizeArray() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean bean
                && bean.isThreadAllocatedMemorySupported() && bean.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the bytes a thread allocates");
        com.sun.management.ThreadMXBean bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int width = 4000;
        int height = 3000;
        try (NDManager m = Engines.newManager()) {
            NDArray logits = logits(m, 2, 3);
            MaskPostprocessor.pack(logits, 256, 192, 256, 300, 400, false); // warm-up: classes, kernels
            long[] largest = new long[1];
            long before = bean.getCurrentThreadAllocatedBytes();
            MaskPostprocessor.Packed packed = MaskPostprocessor.pack(logits, 256, 192, 256, height, width, false,
                    MaskPostprocessor.BAND_ELEMENTS, n -> largest[0] = Math.max(largest[0], n));
            long allocated = bean.getCurrentThreadAllocatedBytes() - before;
            long pixels = (long) width * height * 2;
            assertTrue(largest[0] <= MaskPostprocessor.BAND_ELEMENTS, "a band of " + largest[0] + " values");
            assertTrue(allocated < pixels, allocated + " bytes allocated for " + pixels
                    + " target pixels; a full-size byte array is " + pixels / 2);
            assertEquals(2, packed.masks().size());
            assertTrue(packed.masks().get(0).area() > 0);
        }
    }
}
