package org.segearth.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.segearth.api.InvalidInputException;

/**
 * The decoder against Pillow's {@code Image.open(f).convert("RGB")} on the fixtures of
 * {@code src/test/resources/org/segearth/runtime/image} (how each was made: README.md and
 * make_fixtures.py there; {@code <name>.rgb} is Pillow's output).
 */
class ImageDecoderFixturesTest {

    static byte[] resource(String name) throws IOException {
        try (InputStream in = ImageDecoderFixturesTest.class.getResourceAsStream(name)) {
            assertNotNull(in, "missing test resource " + name);
            return in.readAllBytes();
        }
    }

    static RgbImage decode(String name) throws IOException {
        return ImageDecoder.defaults().read(resource(name));
    }

    /** Lossless files: every byte equals Pillow's. */
    @ParameterizedTest
    @ValueSource(strings = {"cmyk.tif", "rgba.png", "la.png", "rgb-trns.png", "palette.png", "gray2.png", "rgb16.png", "rgba16.png",
            "la16.png"})
    void losslessFilesDecodeExactlyAsPillow(String name) throws IOException {
        assertArrayEquals(resource(name + ".rgb"), decode(name).toBytes(), name);
    }

    /**
     * JPEGs: the JDK's libjpeg and Pillow's libjpeg-turbo round differently in the IDCT and the
     * colour conversion, so pixels may differ by a few levels; the means are Pillow's, written here.
     * Before CMYK was converted, cmyk.jpg came out at a mean absolute difference of about 200.
     */
    @ParameterizedTest
    @CsvSource({
        "cmyk.jpg, 123.716, 125.893, 109.969",
        "cmyk-noadobe.jpg, 123.716, 125.893, 109.969",
        "ycck.jpg, 123.591, 125.870, 109.786",
        "exif6.jpg, 115.023, 142.482, 40.227",
    })
    void jpegsMatchPillowWithinRounding(String name, double r, double g, double b) throws IOException {
        RgbImage image = decode(name);
        byte[] pillow = resource(name + ".rgb");
        byte[] ours = image.toBytes();
        assertEquals(pillow.length, ours.length, name);
        double absDiff = 0;
        int maxDiff = 0;
        double[] mean = new double[3];
        for (int i = 0; i < ours.length; i++) {
            int d = Math.abs((ours[i] & 0xFF) - (pillow[i] & 0xFF));
            absDiff += d;
            maxDiff = Math.max(maxDiff, d);
            mean[i % 3] += ours[i] & 0xFF;
        }
        absDiff /= ours.length;
        int pixels = image.width() * image.height();
        System.out.printf("%s: mean |diff| %.3f, max %d, mean RGB %.3f %.3f %.3f%n", name, absDiff, maxDiff,
                mean[0] / pixels, mean[1] / pixels, mean[2] / pixels);
        assertTrue(absDiff < 1.0, name + ": mean absolute difference to Pillow " + absDiff);
        assertTrue(maxDiff <= 8, name + ": largest difference to Pillow " + maxDiff);
        double[] expected = {r, g, b};
        for (int c = 0; c < 3; c++) {
            assertEquals(expected[c], mean[c] / pixels, 1.0, name + " mean of channel " + c);
        }
    }

    @Test
    void exifOrientationIsNotAppliedAsInPillow() throws IOException {
        RgbImage image = decode("exif6.jpg"); // orientation 6 would make it 16 wide and 24 high
        assertEquals(24, image.width());
        assertEquals(16, image.height());
    }

    @Test
    void cmykUsesPillowsFormula() {
        // Pillow 9.4: CMYK (50, 45, 56, 15) -> (193, 198, 187); (255, 0, 128, 200) -> (0, 55, 27)
        assertEquals(193, PixelConversion.cmykToRgb(50, 15));
        assertEquals(198, PixelConversion.cmykToRgb(45, 15));
        assertEquals(187, PixelConversion.cmykToRgb(56, 15));
        assertEquals(0, PixelConversion.cmykToRgb(255, 200));
        assertEquals(55, PixelConversion.cmykToRgb(0, 200));
        assertEquals(27, PixelConversion.cmykToRgb(128, 200));
        assertEquals(0, PixelConversion.cmykToRgb(10, 255));
    }

    @Test
    void sixteenBitGrayIsRefusedWithTheReason() throws IOException {
        BufferedImage gray16 = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
        gray16.getRaster().setSample(1, 1, 0, 40_000);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(gray16, "png", png));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageDecoder.defaults().read(png.toByteArray()));
        assertTrue(e.getMessage().contains("16-bit gray") && e.getMessage().contains("8 bits"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> ImageDecoder.fromBufferedImage(gray16));
    }
}
