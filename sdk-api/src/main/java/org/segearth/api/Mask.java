package org.segearth.api;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.segearth.spi.image.RowImage;

/**
 * An immutable binary mask of {@code width x height} pixels, one bit per pixel (row-major,
 * packed into {@code long}s). Masks compare by value; they convert to and from the COCO
 * run-length encoding of pycocotools ({@link #toRle()}, {@link #fromRle}) and to an 8-bit gray PNG
 * (0 = background, 255 = foreground).
 *
 * <pre>{@code
 * Mask mask = Mask.builder(24, 20).fill(new Box(3, 2, 5, 4)).set(0, 0, true).build();
 * mask.area();                                   // 21
 * mask.box();                                    // Optional[Box[x=0, y=0, width=8, height=6]]
 * String counts = mask.toRle().toCompressedString();
 * Mask back = Rle.fromCompressedString(counts, 20, 24).toMask();   // equals mask
 * mask.writePng(Path.of("mask.png"));
 *
 * // from the HeadAblation sample: how far two heads' masks of one target agree
 * double iou = (double) a.intersectionArea(b) / a.unionArea(b);
 * }</pre>
 */
public final class Mask {

    private final int width;
    private final int height;
    private final long[] bits; // row-major, bit (y * width + x); bits past width * height are 0
    private final long area;

    private Mask(int width, int height, long[] bits) {
        this.width = width;
        this.height = height;
        this.bits = bits;
        long a = 0;
        for (long word : bits) {
            a += Long.bitCount(word);
        }
        this.area = a;
    }

    private static void checkSize(int width, int height) {
        if (width < 0 || height < 0) {
            throw new SegEarthException("mask size " + width + "x" + height + " is negative");
        }
        if ((long) width * height > Integer.MAX_VALUE) {
            throw new SegEarthException("mask size " + width + "x" + height + " exceeds " + Integer.MAX_VALUE
                    + " pixels; split the scene into tiles");
        }
    }

    private static long[] words(int width, int height) {
        return new long[(int) (((long) width * height + 63) >>> 6)];
    }

    /** A mask with no foreground pixel. */
    public static Mask empty(int width, int height) {
        checkSize(width, height);
        return new Mask(width, height, words(width, height));
    }

    /** A mask from row-major booleans ({@code pixels[y * width + x]}). */
    public static Mask fromBooleans(boolean[] pixels, int width, int height) {
        checkLength(pixels.length, width, height);
        long[] bits = words(width, height);
        for (int i = 0; i < pixels.length; i++) {
            if (pixels[i]) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return new Mask(width, height, bits);
    }

    /** A mask from row-major bytes ({@code pixels[y * width + x]}); every non-zero byte is foreground. */
    public static Mask fromBytes(byte[] pixels, int width, int height) {
        checkLength(pixels.length, width, height);
        long[] bits = words(width, height);
        for (int i = 0; i < pixels.length; i++) {
            if (pixels[i] != 0) {
                bits[i >>> 6] |= 1L << i;
            }
        }
        return new Mask(width, height, bits);
    }

    private static void checkLength(int length, int width, int height) {
        checkSize(width, height);
        if (length != width * height) {
            throw new SegEarthException("mask of " + width + "x" + height + " needs " + width * height
                    + " pixels, got " + length);
        }
    }

    /** The mask a COCO run-length encoding describes (pycocotools' {@code decode}). */
    public static Mask fromRle(Rle rle) {
        int height = rle.height();
        int width = rle.width();
        checkSize(width, height);
        long[] bits = words(width, height);
        int[] counts = rle.counts();
        long pos = 0; // column-major position
        boolean fg = false;
        for (int c : counts) {
            if (fg) {
                for (long p = pos; p < pos + c; p++) {
                    int x = (int) (p / height);
                    int y = (int) (p % height);
                    int i = y * width + x;
                    bits[i >>> 6] |= 1L << i;
                }
            }
            pos += c;
            fg = !fg;
        }
        return new Mask(width, height, bits);
    }

    /** A mutable builder for a mask of {@code width x height} pixels, all background. */
    public static Builder builder(int width, int height) {
        checkSize(width, height);
        return new Builder(width, height);
    }

    /** The number of columns. */
    public int width() {
        return width;
    }

    /** The number of rows. */
    public int height() {
        return height;
    }

    /** Whether pixel ({@code x}, {@code y}) is foreground. */
    public boolean get(int x, int y) {
        if (x < 0 || y < 0 || x >= width || y >= height) {
            throw new SegEarthException("pixel (" + x + ", " + y + ") lies outside the " + width + "x" + height + " mask");
        }
        int i = y * width + x;
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    /** The number of foreground pixels. */
    public long area() {
        return area;
    }

    /** Whether no pixel is foreground. */
    public boolean isEmpty() {
        return area == 0;
    }

    /** The smallest box holding every foreground pixel; empty for an empty mask. */
    public Optional<Box> box() {
        if (area == 0) {
            return Optional.empty();
        }
        int x0 = width;
        int y0 = height;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (get(x, y)) {
                    x0 = Math.min(x0, x);
                    x1 = Math.max(x1, x);
                    y0 = Math.min(y0, y);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return Optional.of(new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1));
    }

    /** The number of pixels foreground in both masks. */
    public long intersectionArea(Mask other) {
        checkSameSize(other);
        long n = 0;
        for (int i = 0; i < bits.length; i++) {
            n += Long.bitCount(bits[i] & other.bits[i]);
        }
        return n;
    }

    /** The number of pixels foreground in either mask. */
    public long unionArea(Mask other) {
        checkSameSize(other);
        long n = 0;
        for (int i = 0; i < bits.length; i++) {
            n += Long.bitCount(bits[i] | other.bits[i]);
        }
        return n;
    }

    /** The pixels foreground in either mask. */
    public Mask or(Mask other) {
        checkSameSize(other);
        long[] out = bits.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] |= other.bits[i];
        }
        return new Mask(width, height, out);
    }

    /** The pixels foreground in both masks. */
    public Mask and(Mask other) {
        checkSameSize(other);
        long[] out = bits.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] &= other.bits[i];
        }
        return new Mask(width, height, out);
    }

    private void checkSameSize(Mask other) {
        if (other.width != width || other.height != height) {
            throw new SegEarthException("masks differ in size: " + width + "x" + height + " and " + other.width
                    + "x" + other.height + "; resize one to the other's image first");
        }
    }

    /** Row-major booleans ({@code [y * width + x]}). */
    public boolean[] toBooleans() {
        boolean[] out = new boolean[width * height];
        for (int i = 0; i < out.length; i++) {
            out[i] = (bits[i >>> 6] & (1L << i)) != 0;
        }
        return out;
    }

    /** Row-major bytes ({@code [y * width + x]}), 1 for foreground and 0 for background. */
    public byte[] toBytes() {
        byte[] out = new byte[width * height];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) ((bits[i >>> 6] >>> i) & 1L);
        }
        return out;
    }

    /** The COCO run-length encoding (pycocotools' {@code encode}): column-major, background first. */
    public Rle toRle() {
        int[] counts = new int[16];
        int k = 0;
        boolean previous = false;
        int c = 0;
        for (int x = 0; x < width; x++) {
            for (int y = 0; y < height; y++) {
                int i = y * width + x;
                boolean v = (bits[i >>> 6] & (1L << i)) != 0;
                if (v != previous) {
                    if (k == counts.length) {
                        counts = Arrays.copyOf(counts, counts.length * 2);
                    }
                    counts[k++] = c;
                    c = 0;
                    previous = v;
                }
                c++;
            }
        }
        if (k == counts.length) {
            counts = Arrays.copyOf(counts, counts.length + 1);
        }
        counts[k++] = c;
        return new Rle(height, width, Arrays.copyOf(counts, k));
    }

    /** An 8-bit gray image: 255 for foreground, 0 for background. */
    public BufferedImage toImage() {
        if (width == 0 || height == 0) {
            throw new SegEarthException("a " + width + "x" + height + " mask has no pixels to make an image of");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        byte[] data = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i++) {
            data[i] = (bits[i >>> 6] & (1L << i)) != 0 ? (byte) 255 : 0;
        }
        return image;
    }

    /**
     * Writes the mask as an 8-bit gray PNG (0/255) to {@code out}: the PNG of {@link #toImage()},
     * made a row at a time (without its {@code width * height} bytes).
     */
    public void writePng(OutputStream out) {
        if (width == 0 || height == 0) {
            throw new SegEarthException("a " + width + "x" + height + " mask has no pixels to make an image of");
        }
        RowImage rows = RowImage.gray(width, height, (y, row) -> {
            int i = y * width;
            for (int x = 0; x < width; x++, i++) {
                row[x] = (bits[i >>> 6] & (1L << i)) != 0 ? 255 : 0;
            }
        });
        try {
            if (!ImageIO.write(rows, "png", out)) {
                throw new SegEarthException("no PNG writer is available in this Java runtime");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mask PNG: " + e.getMessage(), e);
        }
    }

    /** Writes the mask as an 8-bit gray PNG (0/255) to {@code file}. */
    public void writePng(Path file) {
        try (OutputStream out = Files.newOutputStream(file)) {
            writePng(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write mask PNG " + file + ": " + e.getMessage(), e);
        }
    }

    /** The PNG bytes of {@link #writePng(OutputStream)}. */
    public byte[] toPng() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writePng(out);
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mask m && m.width == width && m.height == height && Arrays.equals(m.bits, bits);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(bits);
    }

    @Override
    public String toString() {
        return "Mask[" + width + "x" + height + ", area=" + area + "]";
    }

    /**
     * Builds a {@link Mask} pixel by pixel; the only mutable mask type. Not thread-safe.
     *
     * <pre>{@code
     * Mask m = Mask.builder(4, 3).set(1, 2, true).fill(new Box(0, 0, 2, 1)).build();
     * }</pre>
     */
    public static final class Builder {
        private final int width;
        private final int height;
        private long[] bits;

        private Builder(int width, int height) {
            this.width = width;
            this.height = height;
            this.bits = words(width, height);
        }

        /** Sets pixel ({@code x}, {@code y}) to {@code value}. */
        public Builder set(int x, int y, boolean value) {
            if (x < 0 || y < 0 || x >= width || y >= height) {
                throw new SegEarthException("pixel (" + x + ", " + y + ") lies outside the " + width + "x" + height
                        + " mask");
            }
            int i = y * width + x;
            if (value) {
                bits[i >>> 6] |= 1L << i;
            } else {
                bits[i >>> 6] &= ~(1L << i);
            }
            return this;
        }

        /** Sets every pixel of {@code box} (clipped to the mask) to foreground. */
        public Builder fill(Box box) {
            for (int y = box.y(); y < Math.min(height, box.bottom()); y++) {
                for (int x = box.x(); x < Math.min(width, box.right()); x++) {
                    set(x, y, true);
                }
            }
            return this;
        }

        /** The mask; the builder stays usable. */
        public Mask build() {
            return new Mask(width, height, bits.clone());
        }
    }
}
