package org.segearth.api;

import java.util.Arrays;

/**
 * A COCO run-length encoding of a binary mask, as pycocotools writes it: the pixels are visited
 * column by column (column-major, "Fortran" order), and {@code counts} alternates the lengths of
 * runs of background and foreground, always starting with background (a mask whose first pixel is
 * foreground starts with a count of 0). The counts sum to {@code height * width}.
 *
 * <p>Two serialised forms exist: the uncompressed list of counts ({@link #counts()}) and the
 * compressed string of {@code pycocotools.mask.encode} ({@link #toCompressedString()}, read back
 * with {@link #fromCompressedString}): six bits per character in ASCII 48..111, LEB128-like, where
 * every count after the third is stored as the difference to the count two places before.
 *
 * <pre>{@code
 * Rle rle = Rle.fromCompressedString("52203", 4, 4);   // a COCO "counts" string
 * Mask mask = rle.toMask();
 * String again = mask.toRle().toCompressedString();  // "52203" again
 * }</pre>
 *
 * @param height the mask's height (COCO {@code size[0]})
 * @param width the mask's width (COCO {@code size[1]})
 * @param counts the run lengths, background first
 */
public record Rle(int height, int width, int[] counts) {

    public Rle {
        if (height < 0 || width < 0) {
            throw new SegEarthException("RLE size [" + height + ", " + width + "] is negative");
        }
        counts = counts.clone();
        long sum = 0;
        for (int i = 0; i < counts.length; i++) {
            if (counts[i] < 0) {
                throw new SegEarthException("RLE count " + i + " is " + counts[i] + "; counts must be >= 0");
            }
            sum += counts[i];
        }
        if (sum != (long) height * width) {
            throw new SegEarthException("RLE counts sum to " + sum + " but size [" + height + ", " + width
                    + "] has " + (long) height * width + " pixels; is the size [height, width] in that order?");
        }
    }

    /** The run lengths (a copy). */
    @Override
    public int[] counts() {
        return counts.clone();
    }

    /** The number of foreground pixels (the sum of the odd-indexed counts). */
    public long area() {
        long a = 0;
        for (int i = 1; i < counts.length; i += 2) {
            a += counts[i];
        }
        return a;
    }

    /** The mask this encoding describes. */
    public Mask toMask() {
        return Mask.fromRle(this);
    }

    /** The compressed {@code counts} string of pycocotools ({@code rleToString}). */
    public String toCompressedString() {
        StringBuilder s = new StringBuilder(counts.length * 2);
        for (int i = 0; i < counts.length; i++) {
            long x = counts[i];
            if (i > 2) {
                x -= counts[i - 2];
            }
            boolean more = true;
            while (more) {
                int c = (int) (x & 0x1f);
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        return s.toString();
    }

    /**
     * Reads the compressed {@code counts} string of pycocotools ({@code rleFrString}).
     *
     * @throws SegEarthException when a character is outside ASCII 48..111, the string ends inside
     *     a number, or the counts do not fill {@code height * width} pixels
     */
    public static Rle fromCompressedString(String s, int height, int width) {
        int[] cnts = new int[s.length()];
        int m = 0;
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                if (p >= s.length()) {
                    throw new SegEarthException("compressed RLE string ends inside a count at character " + p
                            + " (\"" + abbreviate(s) + "\")");
                }
                int c = s.charAt(p) - 48;
                if (c < 0 || c > 63) {
                    throw new SegEarthException("compressed RLE string has character '" + s.charAt(p) + "' at "
                            + p + "; expected ASCII 48..111 (\"" + abbreviate(s) + "\")");
                }
                x |= (long) (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
                if (k > 12) {
                    throw new SegEarthException("compressed RLE string has a count longer than 12 characters at "
                            + p + " (\"" + abbreviate(s) + "\")");
                }
            }
            if (m > 2) {
                x += cnts[m - 2];
            }
            if (x < 0 || x > Integer.MAX_VALUE) {
                throw new SegEarthException("compressed RLE string decodes to count " + x + " at position " + m
                        + " (\"" + abbreviate(s) + "\")");
            }
            cnts[m++] = (int) x;
        }
        return new Rle(height, width, Arrays.copyOf(cnts, m));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Rle r && r.height == height && r.width == width && Arrays.equals(r.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * height + width) + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "Rle[size=[" + height + ", " + width + "], counts=" + toCompressedString() + "]";
    }
}
