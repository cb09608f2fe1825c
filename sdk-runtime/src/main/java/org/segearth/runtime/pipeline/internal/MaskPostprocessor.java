package org.segearth.runtime.pipeline.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.segearth.api.Mask;
import org.segearth.spi.nn.Activations;
import org.segearth.spi.nn.Interpolation;
import org.segearth.spi.nn.Scalars;

/**
 * Head logits to the original image: bilinear to the padded letterbox frame, crop the part that
 * holds the image, bilinear to the original size (torch's {@code align_corners=False}); a pixel is
 * in the mask where its logit is above 0.
 *
 * <p>{@link #toOriginal} makes the whole {@code [targets, height, width]} float array at once
 * (4 bytes per pixel and target). {@link #pack}
 * gives the same masks and scores without it: the last resize is a product
 * with an interpolation matrix whose rows are the output rows, so it runs over bands of at most
 * {@link #BAND_ELEMENTS} values, each band thresholded into the packed masks (its bits packed 8 a
 * byte by the engine, so the heap sees an eighth of it) and summed into the scores, then freed.
 * An image no larger than the letterbox frame (the model's own size), or of at most
 * {@link #BAND_ELEMENTS} pixels times targets, is one band: the very products {@link #toOriginal}
 * computes, bit for bit. In several bands the BLAS
 * may sum a product's terms in another order: a logit may differ in its last bits, a mask only at a
 * pixel whose logit is that close to 0.
 *
 * <pre>{@code
 * NDArray full = MaskPostprocessor.toOriginal(maskLogits, 1024, validH, validW, height, width);
 * NDArray masks = full.gt(0);
 * MaskPostprocessor.Packed packed = MaskPostprocessor.pack(maskLogits, 1024, validH, validW, height, width,
 *         false);
 * Mask first = packed.masks().get(0);
 * }</pre>
 */
public final class MaskPostprocessor {

    /** The most logits (all targets together) one band of rows holds: 4M, 16 MiB of float32. */
    public static final long BAND_ELEMENTS = 4L << 20;

    private MaskPostprocessor() {}

    /**
     * @param logits {@code [targets, h, w]} on the letterbox frame
     * @return {@code [targets, height, width]} logits at the original size
     */
    public static NDArray toOriginal(NDArray logits, int frame, int validHeight, int validWidth, int height, int width) {
        long targets = logits.getShape().get(0);
        if (targets == 0) {
            return logits.getManager().zeros(new Shape(0, height, width), logits.getDataType());
        }
        // exact also when shrinking (DJL's own bilinear smooths then)
        return Interpolation.bilinear(cropped(logits, frame, validHeight, validWidth), height, width);
    }

    /** {@code [targets, validHeight, validWidth]}: the logits on the frame, the part that holds the image. */
    private static NDArray cropped(NDArray logits, int frame, int validHeight, int validWidth) {
        NDArray x = Interpolation.bilinear(logits, frame, frame);
        return x.get(new NDIndex(":, :{}, :{}", validHeight, validWidth));
    }

    /** Per target, the mean sigmoid of {@code fullLogits} inside {@code masks} (0 for an empty mask). */
    public static float[] scores(NDArray fullLogits, NDArray masks) {
        long targets = fullLogits.getShape().get(0);
        if (targets == 0) {
            return new float[0];
        }
        double[][] sums = sums(fullLogits, masks);
        float[] out = new float[(int) targets];
        for (int i = 0; i < out.length; i++) {
            out[i] = score(sums[0][i], sums[1][i]);
        }
        return out;
    }

    /** {@code {sigmoid sums inside, areas}} per target of a {@code [targets, rows, width]} band. */
    private static double[][] sums(NDArray logits, NDArray masks) {
        NDArray inside = masks.toType(logits.getDataType(), false);
        NDArray sigmoid = Activations.sigmoid(logits);
        float[] sums = sigmoid.mul(inside).sum(new int[] {1, 2}).toFloatArray();
        float[] areas = inside.sum(new int[] {1, 2}).toFloatArray();
        double[][] out = new double[2][sums.length];
        for (int i = 0; i < sums.length; i++) {
            out[0][i] = sums[i];
            out[1][i] = areas[i];
        }
        return out;
    }

    /** {@code sum / area} as float (for float operands the same as a float division), 0 for no area. */
    private static float score(double sum, double area) {
        return area == 0 ? 0 : (float) (sum / area);
    }

    /**
     * What {@link #pack} gives per target.
     *
     * @param masks the masks at the original size ({@code logit > 0})
     * @param scores the mean sigmoid of the logits inside each mask (0 for an empty mask)
     * @param logits per target the original-size logits, row-major, or null when not asked for
     */
    public record Packed(List<Mask> masks, float[] scores, List<float[]> logits) {}

    /**
     * The masks and scores of {@link #toOriginal} followed by {@code gt(0)} and {@link #scores},
     * computed a band of rows at a time (see the class comment); the bands' arrays live in a child of
     * {@code logits}' manager and are freed as soon as each is packed.
     *
     * @param keepLogits whether to return the original-size logits too ({@code 4 * height * width}
     *     bytes of heap per target)
     */
    public static Packed pack(NDArray logits, int frame, int validHeight, int validWidth, int height, int width,
            boolean keepLogits) {
        return pack(logits, frame, validHeight, validWidth, height, width, keepLogits, BAND_ELEMENTS, n -> { });
    }

    /**
     * {@link #pack} in bands of at most {@code bandElements} values (at least one row);
     * {@code bands} is told the size in values of each band's logits, the largest array it makes.
     */
    static Packed pack(NDArray logits, int frame, int validHeight, int validWidth, int height, int width,
            boolean keepLogits, long bandElements, java.util.function.LongConsumer bands) {
        int targets = (int) logits.getShape().get(0);
        List<Mask.Builder> builders = new ArrayList<>(targets);
        List<float[]> full = keepLogits ? new ArrayList<>(targets) : null;
        for (int i = 0; i < targets; i++) {
            builders.add(Mask.builder(width, height));
            if (keepLogits) {
                full.add(new float[height * width]);
            }
        }
        double[] sums = new double[targets];
        double[] areas = new double[targets];
        if (targets > 0) {
            // up to the model's size one band, as before, whatever the number of targets
            int rowsPerBand = (long) height * width <= (long) frame * frame ? height
                    : (int) Math.max(1, Math.min(height, bandElements / ((long) targets * width)));
            try (NDManager scope = logits.getManager().newSubManager()) {
                NDArray x = cropped(logits, frame, validHeight, validWidth);
                x.attach(scope);
                // as Interpolation.bilinear: both products unless neither side changes
                NDArray cols = validWidth == width && validHeight == height ? null
                        : Scalars.nativeCopy(scope.create(Interpolation.matrix(validWidth, width),
                                new Shape(width, validWidth))).transpose();
                for (int y0 = 0; y0 < height; y0 += rowsPerBand) {
                    int y1 = Math.min(height, y0 + rowsPerBand);
                    try (NDManager band = scope.newSubManager()) {
                        NDArray rows = band(x, band, y0, y1, height, cols);
                        bands.accept(rows.size());
                        NDArray masks = rows.gt(0);
                        double[][] s = sums(rows, masks);
                        int bandPixels = (y1 - y0) * width;
                        byte[] bits = packBits(masks, targets, bandPixels);
                        for (int t = 0; t < targets; t++) {
                            sums[t] += s[0][t];
                            areas[t] += s[1][t];
                            set(builders.get(t), bits, t * bandPixels, y0, bandPixels, width);
                        }
                        if (keepLogits) {
                            float[] values = rows.toType(DataType.FLOAT32, false).toFloatArray();
                            for (int t = 0; t < targets; t++) {
                                System.arraycopy(values, t * bandPixels, full.get(t), y0 * width, bandPixels);
                            }
                        }
                    }
                }
            }
        }
        List<Mask> masks = new ArrayList<>(targets);
        float[] scores = new float[targets];
        for (int t = 0; t < targets; t++) {
            masks.add(builders.get(t).build());
            scores[t] = score(sums[t], areas[t]);
        }
        return new Packed(List.copyOf(masks), scores, full == null ? null : List.copyOf(full));
    }

    /**
     * Rows {@code y0 .. y1 - 1} of {@code toOriginal}, in {@code band}: the same products as
     * {@link Interpolation#bilinear}, with the rows of its row matrix that make those output rows.
     */
    private static NDArray band(NDArray x, NDManager band, int y0, int y1, int height, NDArray cols) {
        NDArray out;
        if (cols == null) {
            out = x.get(new NDIndex(":, {}:{}, :", y0, y1)); // the sizes agree: bilinear returns x itself
        } else {
            int inH = (int) x.getShape().get(1);
            NDArray rows = Scalars.nativeCopy(band.create(Interpolation.matrix(inH, height, y0, y1),
                    new Shape(y1 - y0, inH)));
            out = rows.matMul(x).matMul(cols);
        }
        out.attach(band);
        return out;
    }

    /** Bit weights of 8 pixels packed into a byte, first pixel in the lowest bit. */
    private static final float[] BIT_WEIGHTS = {1, 2, 4, 8, 16, 32, 64, 128};

    /**
     * {@code masks} ({@code [targets, rows, width]} boolean) as bits, 8 pixels a byte with the first
     * in the lowest bit (so the heap gets an eighth of the band), each target's {@code pixels}
     * from bit {@code t * pixels}; one byte per pixel when a target's pixels are not a multiple of 8.
     */
    private static byte[] packBits(NDArray masks, int targets, int pixels) {
        if (pixels % 8 != 0) {
            return masks.toType(DataType.UINT8, false).toByteArray();
        }
        NDArray weights = Scalars.nativeCopy(masks.getManager().create(BIT_WEIGHTS, new Shape(8)));
        NDArray octets = masks.toType(DataType.FLOAT32, false).reshape(targets, pixels / 8, 8).matMul(weights);
        return octets.toType(DataType.UINT8, false).toByteArray();
    }

    /**
     * Sets the foreground pixels of {@code pixels} pixels from row {@code y0}: from pixel
     * {@code offset} of {@code bits}, packed 8 a byte by {@link #packBits} or one a byte.
     */
    private static void set(Mask.Builder mask, byte[] bits, int offset, int y0, int pixels, int width) {
        if (pixels % 8 != 0) {
            for (int i = 0; i < pixels; i++) {
                if (bits[offset + i] != 0) {
                    mask.set(i % width, y0 + i / width, true);
                }
            }
            return;
        }
        for (int k = 0; k < pixels / 8; k++) {
            int octet = bits[offset / 8 + k] & 0xFF;
            while (octet != 0) {
                int j = Integer.numberOfTrailingZeros(octet);
                int i = k * 8 + j;
                mask.set(i % width, y0 + i / width, true);
                octet &= octet - 1;
            }
        }
    }
}
