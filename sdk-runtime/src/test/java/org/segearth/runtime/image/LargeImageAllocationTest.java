package org.segearth.runtime.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large image is held once, at 3 bytes per pixel, from the decoder to the encoders' inputs: the
 * Java heap this thread allocates while decoding, borrowing and preprocessing it is counted
 * ({@code ThreadMXBean}) and bounded by what that takes, so that a second full-size copy (RGB at 3
 * bytes per pixel, or one float channel at 4) fails the test. Deterministic: bytes, not time.
 */
class LargeImageAllocationTest {

    private static final int WIDTH = 4000;
    private static final int HEIGHT = 2000;
    private static final long PIXELS = (long) WIDTH * HEIGHT;

    private static com.sun.management.ThreadMXBean bean;

    @BeforeAll
    static void counting() {
        Assumptions.assumeTrue(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean b
                && b.isThreadAllocatedMemorySupported() && b.isThreadAllocatedMemoryEnabled(),
                "this JVM does not count the bytes a thread allocates");
        bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    }

    private static long allocated(Runnable work) {
        long before = bean.getCurrentThreadAllocatedBytes();
        work.run();
        return bean.getCurrentThreadAllocatedBytes() - before;
    }

    private static Path jpeg(Path dir) throws Exception {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_3BYTE_BGR);
        int[] row = new int[WIDTH];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                row[x] = ((x * 255 / WIDTH) << 16) | ((y * 255 / HEIGHT) << 8) | ((x ^ y) & 0xFF);
            }
            image.setRGB(0, y, WIDTH, 1, row, 0, WIDTH);
        }
        Path file = dir.resolve("large.jpg");
        ImageIO.write(image, "jpg", file.toFile());
        return file;
    }

    @Test
    void decodingBorrowingAndPreprocessingHoldTheImageOnce(@TempDir Path dir) throws Exception {
        Path file = jpeg(dir);
        ImageDecoder decoder = ImageDecoder.withMaxPixels(PIXELS);
        decoder.read(file); // warm-up: the reader's classes and tables
        BufferedImage[] picture = new BufferedImage[1];
        long decode = allocated(() -> picture[0] = decoder.readAsBufferedImage(file));
        // the image's 3 bytes per pixel and the reader's row buffers: no second copy
        assertTrue(decode < 3.5 * PIXELS, "decoding " + WIDTH + "x" + HEIGHT + " allocated " + decode + " bytes");

        RgbImage[] image = new RgbImage[1];
        long borrow = allocated(() -> image[0] = ImageDecoder.borrow(picture[0]));
        assertTrue(borrow < 1 << 16, "borrowing the decoded picture allocated " + borrow + " bytes");
        assertEquals(WIDTH, image[0].width());

        SiglipPreprocessor.preprocess(image[0], 384); // warm-up
        Letterbox.apply(image[0], 1024);
        long preprocess = allocated(() -> {
            SiglipPreprocessor.preprocess(image[0], 384);
            Letterbox.apply(image[0], 1024);
        });
        // model-size buffers: the float tensors (made and copied once by PixelTensor) and the
        // resized bytes; plus the horizontal passes, one resized row per input row
        long modelSize = 2L * 4 * 3 * (384 * 384 + 1024 * 1024) + 3L * (384 * 384 + 1024 * 512);
        long rows = 3L * HEIGHT * (384 + 1024);
        assertTrue(preprocess < modelSize + rows + PIXELS, "preprocessing allocated " + preprocess + " bytes;"
                + " expected " + modelSize + " at the model's sizes and " + rows + " in row passes; a second"
                + " full-size copy is at least " + 3 * PIXELS);
    }
}
