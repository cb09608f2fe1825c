package org.segearth.heads.sam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;

class SamImageProcessorTest {

    @Test
    void resizedSizeKeepsAspectRatioWithTheLongestSideAtTheEncoderSize() {
        assertArrayEquals(new int[] {768, 1024}, SamImageProcessor.resizedSize(480, 640, 1024));
        assertArrayEquals(new int[] {64, 43}, SamImageProcessor.resizedSize(300, 200, 64));
        assertArrayEquals(new int[] {1024, 1024}, SamImageProcessor.resizedSize(1024, 1024, 1024));
    }

    @Test
    void resizeMatchesPillowOnTheLetterboxReference() {
        // the preprocess dump resizes with PIL BILINEAR and normalises with the same mean/std (0..255 scale)
        try (NDManager m = Engines.newManager();
                Checkpoint io = Checkpoint.open(Goldens.dir("preprocess").resolve("io.safetensors"), m)) {
            NDArray image = io.get("image_rgb_hwc");
            for (int size : new int[] {128, 512}) {
                SamImageProcessor.Preprocessed p = new SamImageProcessor(size).preprocess(image);
                long[] valid = io.get("letterbox_" + size + "_valid_hw").toLongArray();
                assertEquals(valid[0], p.resizedHeight());
                assertEquals(valid[1], p.resizedWidth());
                String region = "0, :, :" + valid[0] + ", :" + valid[1];
                NDArray expected = io.get("letterbox_" + size).get(region);
                double diff = p.pixelValues().get(region).sub(expected).abs().max().getFloat();
                assertTrue(diff < 1e-5, "size " + size + ": max abs diff " + diff);
            }
        }
    }

    @Test
    void preprocessNormalisesPadsAndPostprocessReturnsToTheOriginalSize() {
        try (NDManager m = Engines.newManager()) {
            NDArray image = m.full(new Shape(30, 20, 3), 128f).toType(DataType.UINT8, false);
            SamImageProcessor processor = new SamImageProcessor(64);
            SamImageProcessor.Preprocessed p = processor.preprocess(image);
            assertArrayEquals(new long[] {1, 3, 64, 64}, p.pixelValues().getShape().getShape());
            assertEquals(64, p.resizedHeight());
            assertEquals(43, p.resizedWidth());
            for (int c = 0; c < 3; c++) {
                float expected = (float) ((128 / 255.0 - SamImageProcessor.MEAN[c]) / SamImageProcessor.STD[c]);
                assertEquals(expected, p.pixelValues().getFloat(0, c, 10, 10), 1e-6f);
                assertEquals(expected, p.pixelValues().getFloat(0, c, 63, 42), 1e-6f);
                assertEquals(0f, p.pixelValues().getFloat(0, c, 63, 43));
            }
            NDArray lowRes = m.full(new Shape(2, 16, 16), 1.5f);
            NDArray back = processor.postprocessMasks(lowRes, p);
            assertArrayEquals(new long[] {2, 30, 20}, back.getShape().getShape());
            assertEquals(1.5f, back.max().getFloat(), 1e-6f);
            assertEquals(1.5f, back.min().getFloat(), 1e-6f);
        }
    }
}
