package org.segearth.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskTest {

    /** A 2x2 square at (1, 1) in a 4x4 image, as pycocotools encodes it (worked out by hand). */
    @Test
    void squareEncodesLikePycocotools() {
        Mask m = Mask.builder(4, 4).fill(new Box(1, 1, 2, 2)).build();
        Rle rle = m.toRle();
        assertArrayEquals(new int[] {5, 2, 2, 2, 5}, rle.counts());
        // counts 5, 2, 2, then 2 - 2 = 0 and 5 - 2 = 3 as deltas
        assertEquals("52203", rle.toCompressedString());
        assertEquals(m, Rle.fromCompressedString("52203", 4, 4).toMask());
    }

    /** Multi-character counts and a negative delta, encoded by hand. */
    @Test
    void multiCharacterAndNegativeDeltas() {
        Rle rle = new Rle(2, 23, new int[] {1, 40, 2, 3});
        // 1 -> '1'; 40 = 8 + 1*32 -> (8|0x20)+48 = 'X', 1+48 = '1'; 2 -> '2';
        // 3 - 40 = -37 -> 27|0x20 = 59 -> 'k', then -2 & 31 = 30 -> 'N'
        assertEquals("1X12kN", rle.toCompressedString());
        assertEquals(rle, Rle.fromCompressedString("1X12kN", 2, 23));
        // 100 = 4 + 3*32 -> 'T', '3'
        assertEquals("T3", new Rle(10, 10, new int[] {100}).toCompressedString());
    }

    /** Encodings published alongside pycocotools-compatible implementations. */
    @Test
    void publishedPycocotoolsStrings() {
        Rle a = new Rle(9, 10, new int[] {6, 1, 40, 4, 5, 4, 5, 4, 21});
        assertEquals("61X13mN000`0", a.toCompressedString());
        assertEquals(a, Rle.fromCompressedString("61X13mN000`0", 9, 10));
        Rle b = new Rle(40, 40, new int[] {245, 5, 35, 5, 35, 5, 35, 5, 35, 5, 1190});
        assertEquals("e75S10000000ST1", b.toCompressedString());
        assertEquals(b, Rle.fromCompressedString("e75S10000000ST1", 40, 40));
        // a 5x5 square at (5, 5) of a 40x40 image: columns 6..10 rows 5..9
        assertEquals(Mask.builder(40, 40).fill(new Box(6, 5, 5, 5)).build(), b.toMask());
    }

    @Test
    void columnMajorStartingWithBackground() {
        // 3 wide, 2 high, pixel (x=1, y=0): column-major index 1*2+0 = 2
        Mask m = Mask.builder(3, 2).set(1, 0, true).build();
        assertArrayEquals(new int[] {2, 1, 3}, m.toRle().counts());
        // foreground first pixel: the counts start with 0
        Mask first = Mask.builder(3, 2).set(0, 0, true).build();
        assertArrayEquals(new int[] {0, 1, 5}, first.toRle().counts());
        assertEquals("015", first.toRle().toCompressedString());
        // empty and full
        assertArrayEquals(new int[] {6}, Mask.empty(3, 2).toRle().counts());
        assertArrayEquals(new int[] {0, 6}, Mask.builder(3, 2).fill(new Box(0, 0, 3, 2)).build().toRle().counts());
    }

    @Test
    void randomRoundTrips() {
        Random random = new Random(7);
        for (int trial = 0; trial < 200; trial++) {
            int w = 1 + random.nextInt(70);
            int h = 1 + random.nextInt(70);
            double density = random.nextDouble();
            boolean[] px = new boolean[w * h];
            for (int i = 0; i < px.length; i++) {
                px[i] = random.nextDouble() < density;
            }
            Mask m = Mask.fromBooleans(px, w, h);
            Rle rle = m.toRle();
            assertEquals(m.area(), rle.area());
            String s = rle.toCompressedString();
            for (char c : s.toCharArray()) {
                assertTrue(c >= 48 && c <= 111, s);
            }
            Rle back = Rle.fromCompressedString(s, h, w);
            assertEquals(rle, back);
            assertEquals(m, back.toMask());
            assertEquals(m, new Rle(h, w, rle.counts()).toMask());
            assertArrayEquals(px, m.toBooleans());
        }
    }

    @Test
    void largeCountsRoundTrip() {
        Rle rle = new Rle(1000, 1000, new int[] {999_000, 1000});
        assertEquals(rle, Rle.fromCompressedString(rle.toCompressedString(), 1000, 1000));
        Rle deltas = new Rle(1, 1_100_100, new int[] {1_000_000, 100, 1, 99_999});
        assertEquals(deltas, Rle.fromCompressedString(deltas.toCompressedString(), 1, 1_100_100));
    }

    @Test
    void accessorsBoxAreaEquality() {
        Mask m = Mask.builder(24, 20).fill(new Box(3, 2, 5, 4)).set(0, 0, true).build();
        assertEquals(21, m.area());
        assertEquals(Optional.of(new Box(0, 0, 8, 6)), m.box());
        assertTrue(m.get(0, 0));
        assertTrue(m.get(7, 5));
        assertFalse(m.get(8, 5));
        assertEquals(24, m.width());
        assertEquals(20, m.height());
        assertEquals(Optional.empty(), Mask.empty(5, 5).box());
        Box box = Mask.fromBooleans(new boolean[] {false, true, true, true}, 2, 2).box().orElseThrow();
        assertEquals(new Box(0, 0, 2, 2), box);
        assertEquals(4, box.area());
        Mask same = Mask.fromBytes(m.toBytes(), 24, 20);
        assertEquals(m, same);
        assertEquals(m.hashCode(), same.hashCode());
        assertNotEquals(m, Mask.empty(24, 20));
        assertNotEquals(Mask.empty(4, 6), Mask.empty(6, 4));
        assertThrows(SegEarthException.class, () -> m.get(24, 0));
        assertThrows(SegEarthException.class, () -> Mask.fromBytes(new byte[5], 2, 2));
        Mask other = Mask.builder(24, 20).fill(new Box(5, 0, 10, 3)).build();
        assertEquals(m.and(other).area(), m.intersectionArea(other));
        assertEquals(m.or(other).area(), m.unionArea(other));
    }

    @Test
    void malformedRleIsRejected() {
        assertThrows(SegEarthException.class, () -> new Rle(4, 4, new int[] {5, 2}));
        assertThrows(SegEarthException.class, () -> Rle.fromCompressedString("5 2", 4, 4));
        assertThrows(SegEarthException.class, () -> Rle.fromCompressedString("5X", 4, 4)); // ends inside a count
        SegEarthException e = assertThrows(SegEarthException.class, () -> Rle.fromCompressedString("52", 4, 4));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
    }

    @Test
    void pngIsGray0And255(@TempDir Path dir) throws Exception {
        Mask m = Mask.builder(7, 5).fill(new Box(2, 1, 3, 2)).build();
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(m.toPng()));
        assertEquals(7, image.getWidth());
        assertEquals(5, image.getHeight());
        assertEquals(1, image.getRaster().getNumBands());
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                assertEquals(m.get(x, y) ? 255 : 0, image.getRaster().getSample(x, y, 0));
            }
        }
        Path file = dir.resolve("m.png");
        m.writePng(file);
        assertTrue(Files.size(file) > 0);
    }

    @Test
    void pngIsMadeRowByRowAndIsThePngOfTheImage() throws Exception {
        Random random = new Random(7);
        Mask.Builder b = Mask.builder(203, 77);
        for (int i = 0; i < 4000; i++) {
            b.set(random.nextInt(203), random.nextInt(77), true);
        }
        Mask m = b.build();
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        assertTrue(ImageIO.write(m.toImage(), "png", whole));
        assertArrayEquals(whole.toByteArray(), m.toPng(), "the same PNG bytes as the whole 8-bit image's");
        assertThrows(SegEarthException.class, () -> Mask.empty(0, 3).toPng());
    }
}
