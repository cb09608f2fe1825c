package org.segearth.runtime.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;

class ImageDecoderTest {

    @TempDir
    Path tmp;

    private static BufferedImage sample(int type, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = (x * 40) & 0xFF;
                int g = (y * 60) & 0xFF;
                int b = (x * y * 13) & 0xFF;
                img.setRGB(x, y, 0x80000000 | r << 16 | g << 8 | b);
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "no ImageIO writer for " + format);
        return out.toByteArray();
    }

    @Test
    void pngRgbRoundTripsExactly() throws IOException {
        BufferedImage img = sample(BufferedImage.TYPE_3BYTE_BGR, 6, 4);
        RgbImage decoded = ImageDecoder.defaults().read(encode(img, "png"));
        assertEquals(ImageDecoder.fromBufferedImage(img), decoded);
        assertEquals((3 * 40) & 0xFF, decoded.get(3, 2, 0));
        assertEquals((2 * 60) & 0xFF, decoded.get(3, 2, 1));
        assertEquals((3 * 2 * 13) & 0xFF, decoded.get(3, 2, 2));
    }

    @Test
    void rgbaDropsAlpha() throws IOException {
        BufferedImage img = sample(BufferedImage.TYPE_4BYTE_ABGR, 5, 3);
        RgbImage decoded = ImageDecoder.defaults().read(encode(img, "png"));
        assertEquals(5 * 40 & 0xFF, decoded.get(5 - 1, 0, 0) + 40);
        assertEquals(2 * 60, decoded.get(1, 2, 1));
        // semi-transparent pixels keep their colour (no premultiplication, no compositing)
        assertEquals(4 * 2 * 13, decoded.get(4, 2, 2));
    }

    @Test
    void grayIsReplicatedWithoutGammaConversion() throws IOException {
        BufferedImage gray = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        byte[] raw = {0, 10, 50, 100, (byte) 128, (byte) 200, (byte) 250, (byte) 255};
        gray.getRaster().setDataElements(0, 0, 4, 2, raw);
        RgbImage decoded = ImageDecoder.defaults().read(encode(gray, "png"));
        for (int i = 0; i < raw.length; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals(raw[i] & 0xFF, decoded.get(i % 4, i / 4, c));
            }
        }
    }

    @Test
    void tiffIsReadByTheJdk() throws IOException {
        BufferedImage img = sample(BufferedImage.TYPE_3BYTE_BGR, 7, 5);
        Path file = tmp.resolve("x.tif");
        Files.write(file, encode(img, "tiff"));
        assertEquals(ImageDecoder.fromBufferedImage(img), ImageDecoder.defaults().read(file));
    }

    @Test
    void jpegDecodes() throws IOException {
        BufferedImage img = sample(BufferedImage.TYPE_3BYTE_BGR, 16, 16);
        RgbImage decoded = ImageDecoder.defaults().read(encode(img, "jpeg"));
        assertEquals(16, decoded.width());
        assertEquals(16, decoded.height());
    }

    @Test
    void truncatedPngAndJpegFail() throws IOException {
        for (String format : new String[] {"png", "jpeg"}) {
            for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY}) {
                byte[] full = encode(sample(type, 64, 64), format);
                byte[] cut = Arrays.copyOf(full, full.length / 2);
                InvalidInputException e = assertThrows(InvalidInputException.class,
                        () -> ImageDecoder.defaults().read(cut), format);
                assertTrue(e.getMessage().contains("corrupt") || e.getMessage().contains("truncated"), e.getMessage());
                assertFalse(e.getMessage().contains("\n"), e.getMessage());
            }
        }
    }

    @Test
    void directDecodingEqualsTheReadersOwnImage() throws IOException {
        // 8-bit RGB and gray are decoded straight into the RGB buffer; the result must equal what a
        // plain ImageIO.read gives, converted
        for (String format : new String[] {"png", "jpeg", "tiff"}) {
            for (int type : new int[] {BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_BYTE_GRAY}) {
                byte[] file = encode(sample(type, 37, 23), format);
                BufferedImage plain = ImageIO.read(new java.io.ByteArrayInputStream(file));
                assertEquals(ImageDecoder.fromBufferedImage(plain), ImageDecoder.defaults().read(file),
                        format + " type " + type);
            }
        }
    }

    @Test
    void alphaPngsDecodeStraightIntoRgbAsTheGeneralPathDoes() throws IOException {
        BufferedImage gray = new BufferedImage(new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY), true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_BYTE),
                java.awt.image.Raster.createInterleavedRaster(java.awt.image.DataBuffer.TYPE_BYTE, 33, 21, 2, null),
                false, null);
        for (int y = 0; y < 21; y++) {
            for (int x = 0; x < 33; x++) {
                gray.getRaster().setPixel(x, y, new int[] {(x * 7 + y) & 0xFF, (x * 31) & 0xFF});
            }
        }
        for (BufferedImage img : new BufferedImage[] {sample(BufferedImage.TYPE_4BYTE_ABGR, 33, 21), gray}) {
            byte[] png = encode(img, "png");
            BufferedImage plain = ImageIO.read(new java.io.ByteArrayInputStream(png));
            assertTrue(plain.getColorModel().hasAlpha());
            assertEquals(ImageDecoder.fromBufferedImage(plain), ImageDecoder.defaults().read(png));
        }
    }

    @Test
    void compressedTiffsDecode() throws IOException {
        BufferedImage img = sample(BufferedImage.TYPE_3BYTE_BGR, 40, 30);
        for (String compression : new String[] {"LZW", "Deflate", "PackBits"}) {
            javax.imageio.ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (javax.imageio.stream.ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
                w.setOutput(ios);
                javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
                p.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
                p.setCompressionType(compression);
                p.setTilingMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
                p.setTiling(16, 16, 0, 0);
                w.write(null, new javax.imageio.IIOImage(img, null, null), p);
            } finally {
                w.dispose();
            }
            assertEquals(ImageDecoder.fromBufferedImage(img), ImageDecoder.defaults().read(out.toByteArray()), compression);
        }
    }

    @Test
    void bufferedImageViewRoundTripsWithoutConversion() throws IOException {
        Path file = tmp.resolve("x.png");
        Files.write(file, encode(sample(BufferedImage.TYPE_3BYTE_BGR, 9, 7), "png"));
        RgbImage decoded = ImageDecoder.defaults().read(file);
        BufferedImage view = ImageDecoder.defaults().readAsBufferedImage(file);
        assertEquals(decoded, ImageDecoder.fromBufferedImage(view));
        assertEquals(decoded.get(4, 3, 1), (view.getRGB(4, 3) >> 8) & 0xFF);
        assertEquals(decoded, ImageDecoder.fromBufferedImage(decoded.toBufferedImage()));
        java.nio.ByteBuffer buffer = decoded.buffer();
        assertTrue(buffer.isReadOnly());
        assertEquals(9 * 7 * 3, buffer.remaining());
        assertEquals(decoded.get(0, 1, 2), buffer.get((9 + 0) * 3 + 2) & 0xFF);
    }

    @Test
    void defaultLimitFollowsTheMemory() {
        long gib = 1L << 30;
        long plenty = 1L << 50;
        assertEquals((gib - MemoryBudget.RESERVE_BYTES) / MemoryBudget.HEAP_BYTES_PER_PIXEL,
                ImageDecoder.forMemory(gib, plenty).maxPixels());
        assertEquals(ImageDecoder.DEFAULT_MAX_PIXELS, ImageDecoder.forMemory(64 * gib, plenty).maxPixels());
        assertEquals(MemoryBudget.MIN_PIXELS, ImageDecoder.forMemory(MemoryBudget.RESERVE_BYTES, plenty).maxPixels());
        // 8 GiB of heap on a 10 GiB machine: the 2 GiB beside the heap decide
        assertEquals(2 * gib / MemoryBudget.NATIVE_BYTES_PER_PIXEL, ImageDecoder.forMemory(8 * gib, 10 * gib).maxPixels());
        assertTrue(ImageDecoder.defaults().maxPixels() <= ImageDecoder.DEFAULT_MAX_PIXELS);
    }

    @Test
    void theMessageSaysWhichMemoryIsShort() throws IOException {
        byte[] big = encode(sample(BufferedImage.TYPE_3BYTE_BGR, 2, 2), "png");
        writeInt(big, 16, 12_000);
        writeInt(big, 20, 12_000);
        long gib = 1L << 30;
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageDecoder.forMemory(8 * gib, 10 * gib).read(big));
        assertTrue(e.getMessage().contains("2.0 GiB of memory beside the 8.0 GiB heap"), e.getMessage());
    }

    @Test
    void aSceneAboveTheHeapLimitIsRefusedInOneLine() throws IOException {
        byte[] big = encode(sample(BufferedImage.TYPE_3BYTE_BGR, 2, 2), "png");
        writeInt(big, 16, 12_000);
        writeInt(big, 20, 12_000);
        ImageDecoder oneGib = ImageDecoder.forMemory(1L << 30, 1L << 50);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> oneGib.read(big));
        String m = e.getMessage();
        assertTrue(m.contains("12000x12000") && m.contains(Long.toString(oneGib.maxPixels())), m);
        assertTrue(m.contains("1.0 GiB heap") && m.contains("tiled path") && !m.contains("\n"), m);
    }

    @Test
    void aDecodeThatNeedsMoreHeapThanThereIsIsRefused() throws IOException {
        // 16-bit RGBA is decoded as the reader gives it (8 bytes per pixel) and then converted (3)
        BufferedImage rgba16 = new BufferedImage(new java.awt.image.ComponentColorModel(
                java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB), true, false,
                java.awt.Transparency.TRANSLUCENT, java.awt.image.DataBuffer.TYPE_USHORT),
                new java.awt.image.ComponentColorModel(java.awt.color.ColorSpace.getInstance(
                        java.awt.color.ColorSpace.CS_sRGB), true, false, java.awt.Transparency.TRANSLUCENT,
                        java.awt.image.DataBuffer.TYPE_USHORT).createCompatibleWritableRaster(2, 2), false, null);
        byte[] png = encode(rgba16, "png");
        writeInt(png, 16, 10_000);
        writeInt(png, 20, 10_000);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageDecoder.forMemory(1L << 30, 1L << 50).read(png));
        assertTrue(e.getMessage().contains("needs 1.0 GiB of Java heap") && e.getMessage().contains("tiled path"),
                e.getMessage());
    }

    @Test
    void truncatedTiffFails() throws IOException {
        byte[] full = encode(sample(BufferedImage.TYPE_3BYTE_BGR, 64, 64), "tiff");
        byte[] cut = Arrays.copyOf(full, full.length / 2);
        assertThrows(SegEarthException.class, () -> ImageDecoder.defaults().read(cut));
    }

    @Test
    void palettePngUsesThePaletteColours() throws IOException {
        BufferedImage indexed = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(1, 2, 0xFF0000FF);
        RgbImage decoded = ImageDecoder.defaults().read(encode(indexed, "png"));
        assertEquals(ImageDecoder.fromBufferedImage(indexed), decoded);
        assertEquals(255, decoded.get(1, 2, 2));
    }

    @Test
    void garbageFails() {
        SegEarthException e = assertThrows(SegEarthException.class,
                () -> ImageDecoder.defaults().read("definitely not an image".getBytes()));
        assertTrue(e.getMessage().contains("corrupt or unsupported"), e.getMessage());
        assertThrows(SegEarthException.class, () -> ImageDecoder.defaults().read(tmp.resolve("missing.png")));
    }

    @Test
    void decompressionBombIsRefusedFromTheHeader() throws IOException {
        // a valid PNG header claiming 100000 x 100000 pixels followed by almost no data
        byte[] small = encode(sample(BufferedImage.TYPE_3BYTE_BGR, 2, 2), "png");
        byte[] bomb = small.clone();
        // IHDR width and height at offsets 16 and 20; the CRC is not checked before the size
        writeInt(bomb, 16, 100_000);
        writeInt(bomb, 20, 100_000);
        SegEarthException e = assertThrows(InvalidInputException.class, () -> ImageDecoder.defaults().read(bomb));
        assertTrue(e.getMessage().contains("100000x100000"), e.getMessage());
        byte[] ok = encode(sample(BufferedImage.TYPE_3BYTE_BGR, 30, 30), "png");
        e = assertThrows(SegEarthException.class, () -> ImageDecoder.withMaxPixels(899).read(ok));
        assertTrue(e.getMessage().contains("900 pixels"), e.getMessage());
        assertEquals(30, ImageDecoder.withMaxPixels(900).read(ok).width());
    }

    @Test
    void aPngDeclaringMorePixelDataThanItsBytesCanHoldIsRefused() throws IOException {
        // a fuzzing finding: 97 bytes declaring 67108870 x 4 RGB made the JDK's reader allocate
        // 805 MB and scan it; here 4000 x 4000 RGB (48 MB) in about 70 bytes
        byte[] forged = encode(sample(BufferedImage.TYPE_3BYTE_BGR, 2, 2), "png");
        writeInt(forged, 16, 4000);
        writeInt(forged, 20, 4000);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ImageDecoder.withMaxPixels(4000L * 4000).read(forged));
        String m = e.getMessage();
        assertTrue(m.contains("image bytes") && m.contains("4000x4000") && m.contains("24 bits per pixel")
                && m.contains(forged.length + " bytes") && !m.contains("\n"), m);
        Path file = tmp.resolve("forged.png");
        Files.write(file, forged);
        e = assertThrows(InvalidInputException.class, () -> ImageDecoder.withMaxPixels(4000L * 4000).read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("4000x4000"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> ImageDecoder.withMaxPixels(4000L * 4000).readSamples(file));
        assertTrue(e.getMessage().contains("deflate expands"), e.getMessage());
    }

    @Test
    void flatImagesThatCompressAsFarAsDeflateCanStillDecode() throws IOException {
        // the bound must not refuse real files: flat PNGs (RGB, 1-bit gray) at deflate's best ratio
        // and a flat JPEG, whose ratio is not bounded at all
        BufferedImage black = new BufferedImage(2000, 2000, BufferedImage.TYPE_3BYTE_BGR);
        byte[] png = encode(black, "png");
        assertTrue(2000L * 2000 * 3 > 500L * png.length, "expected a highly compressed PNG: " + png.length);
        assertEquals(2000, ImageDecoder.defaults().read(png).width());
        BufferedImage bits = new BufferedImage(4000, 4000, BufferedImage.TYPE_BYTE_BINARY);
        assertEquals(4000, ImageDecoder.defaults().read(encode(bits, "png")).height());
        Path file = tmp.resolve("flat.png");
        Files.write(file, png);
        assertEquals(2000, ImageDecoder.defaults().read(file).height());
        assertEquals(2000, ImageDecoder.defaults().readSamples(file).getWidth());
        byte[] jpeg = encode(black, "jpeg");
        assertTrue(2000L * 2000 * 3 > 100L * jpeg.length, "expected a highly compressed JPEG: " + jpeg.length);
        assertEquals(2000, ImageDecoder.defaults().read(jpeg).width());
    }

    private static void writeInt(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    @Test
    void rawRgbIsCopiedAndChecked() {
        byte[] rgb = {1, 2, 3, 4, 5, 6};
        RgbImage img = ImageDecoder.defaults().fromRgb(2, 1, rgb);
        rgb[0] = 99;
        assertEquals(1, img.get(0, 0, 0));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6}, img.toBytes());
        assertThrows(SegEarthException.class, () -> RgbImage.of(2, 2, rgb));
        assertThrows(SegEarthException.class, () -> ImageDecoder.withMaxPixels(1).fromRgb(2, 1, rgb));
    }

    @Test
    void sixteenBitIsRefused() {
        BufferedImage img = new BufferedImage(3, 3, BufferedImage.TYPE_USHORT_GRAY);
        SegEarthException e = assertThrows(SegEarthException.class, () -> ImageDecoder.fromBufferedImage(img));
        assertTrue(e.getMessage().contains("16-bit"), e.getMessage());
    }
}
