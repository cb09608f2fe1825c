package org.segearth.runtime.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;

/** Dataset images go through the SDK's decoder: the same colours, limits and refusals as segment. */
class ImageFilesTest {

    @TempDir
    Path tmp;

    private Path write(BufferedImage image, String format, String name) throws IOException {
        Path file = tmp.resolve(name);
        assertTrue(ImageIO.write(image, format, file.toFile()));
        return file;
    }

    private static BufferedImage rgb(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 7) << 16 | (y * 5) << 8 | (x * y) & 0xFF);
            }
        }
        return img;
    }

    @Test
    void imagesAreReadAsTheSegmenterReadsThem() throws IOException {
        Path file = write(rgb(30, 20), "png", "a.png");
        BufferedImage read = ImageFiles.read(file);
        assertEquals(ImageDecoder.defaults().read(file), ImageDecoder.fromBufferedImage(read));
        assertEquals(3, read.getRaster().getNumBands());
    }

    @Test
    void cmykJpegIsConvertedNotReadAsInvertedRgb() throws IOException {
        Path file = tmp.resolve("cmyk.jpg");
        try (InputStream in = ImageDecoder.class.getResourceAsStream("cmyk.jpg")) {
            Files.copy(in, file);
        }
        RgbImage image = ImageDecoder.fromBufferedImage(ImageFiles.read(file));
        double mean = 0;
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                mean += image.get(x, y, 0);
            }
        }
        // Pillow's convert("RGB") of this file: mean red 123.716 (see the image fixtures' README)
        assertEquals(123.716, mean / (image.width() * image.height()), 0.5);
    }

    @Test
    void truncatedImagesAndLabelsAreRefusedNotScored() throws IOException {
        for (String format : new String[] {"jpeg", "png"}) {
            Path whole = write(rgb(64, 64), format, "whole." + format);
            byte[] bytes = Files.readAllBytes(whole);
            Path cut = tmp.resolve("cut." + format);
            Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFiles.read(cut), format);
            assertTrue(e.getMessage().contains(cut.toString()) && e.getMessage().contains("truncated"), e.getMessage());
            assertThrows(InvalidInputException.class, () -> ImageFiles.readMask(cut, v -> v != 0), format);
        }
    }

    @Test
    void oversizedImagesAreRefusedFromTheHeader() throws IOException {
        Path file = write(rgb(2, 2), "png", "bomb.png");
        byte[] bytes = Files.readAllBytes(file);
        bytes[16] = 0; bytes[17] = 1; bytes[18] = (byte) 0x86; bytes[19] = (byte) 0xA0; // width 100000
        bytes[20] = 0; bytes[21] = 1; bytes[22] = (byte) 0x86; bytes[23] = (byte) 0xA0; // height 100000
        Files.write(file, bytes);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> ImageFiles.read(file));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> ImageFiles.readMask(file, v -> v != 0));
    }

    @Test
    void paletteLabelsAreReadAsIndices() throws IOException {
        byte[] grey = {0, 50, 100, (byte) 255};
        IndexColorModel icm = new IndexColorModel(8, 4, grey, grey, grey);
        BufferedImage labels = new BufferedImage(5, 3, BufferedImage.TYPE_BYTE_INDEXED, icm);
        labels.getRaster().setSample(1, 2, 0, 3);
        labels.getRaster().setSample(4, 0, 0, 2);
        Path file = write(labels, "png", "labels.png");
        Mask three = ImageFiles.readMask(file, v -> v == 3);
        assertEquals(1, three.area());
        assertTrue(three.get(1, 2));
        Mask nonZero = ImageFiles.readMask(file, v -> v != 0);
        assertEquals(2, nonZero.area());
        assertFalse(nonZero.get(0, 0));
        assertEquals(5, nonZero.width());
        assertEquals(3, nonZero.height());
    }
}
