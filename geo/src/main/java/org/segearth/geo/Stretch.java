package org.segearth.geo;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.segearth.api.InvalidInputException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The radiometric stretch from scene samples to 8-bit model input: per band, {@code min} maps to
 * 0 and {@code max} to 255, linearly, clipped. 8-bit scenes keep their values (0..255) unless
 * the user gives a range; 16-bit and float scenes use, per band, the 2nd and 98th percentiles of
 * the valid (not nodata, not NaN) samples of the scene's smallest overview that still has at least
 * 256 x 256 pixels (a Cloud-Optimized GeoTIFF's, {@link #overviewPercentiles}; one of at most
 * 1024 x 1024 pixels), else of up to 16 windows of 256 x 256 spread over the scene on a 4 x 4 grid
 * ({@link #percentiles}), or a user-given range for every band.
 *
 * @param min per band, the value that becomes 0
 * @param max per band, the value that becomes 255
 */
public record Stretch(double[] min, double[] max) {

    /** Windows per side of the sampling grid. */
    static final int GRID = 4;
    /** Side of one sampling window. */
    static final int WINDOW = 256;
    /** The fewest pixels an overview needs to stand for the scene: as many as one window. */
    static final long MIN_OVERVIEW_PIXELS = (long) WINDOW * WINDOW;
    /** The most pixels of an overview that are read whole: as many as the 16 windows. */
    static final long MAX_OVERVIEW_PIXELS = (long) GRID * GRID * WINDOW * WINDOW;

    private static final Logger LOG = LoggerFactory.getLogger(Stretch.class);

    public Stretch {
        min = min.clone();
        max = max.clone();
    }

    /** The same range for every band. */
    public static Stretch fixed(int bands, double min, double max) {
        if (!(max > min)) {
            throw new InvalidInputException("stretch range " + min + ".." + max + " is empty; give min < max");
        }
        double[] lo = new double[bands];
        double[] hi = new double[bands];
        Arrays.fill(lo, min);
        Arrays.fill(hi, max);
        return new Stretch(lo, hi);
    }

    /**
     * The default for a scene: 0..255 for 8-bit data, else the 2-98 % {@link #overviewPercentiles}
     * where the scene has a suitable overview, else the 2-98 % {@link #percentiles} of windows.
     */
    public static Stretch auto(GeoScene scene, int[] bands) {
        if (scene.sampleType() == GeoScene.SampleType.UINT8) {
            return fixed(bands.length, 0, 255);
        }
        return overviewPercentiles(scene, bands, 2, 98).orElseGet(() -> percentiles(scene, bands, 2, 98));
    }

    /**
     * Per band, the {@code low} and {@code high} percentiles of the valid samples of the scene's
     * smallest overview that has at least 256 x 256 pixels, read whole; empty when the scene has no
     * such overview, when that overview has more than 1024 x 1024 pixels (then windows are read
     * instead, which costs less), or when it holds no valid sample.
     */
    public static Optional<Stretch> overviewPercentiles(GeoScene scene, int[] bands, double low, double high) {
        List<int[]> overviews = scene.overviews();
        int level = -1;
        for (int i = 0; i < overviews.size(); i++) {
            long pixels = (long) overviews.get(i)[0] * overviews.get(i)[1];
            if (pixels >= MIN_OVERVIEW_PIXELS && (level < 0
                    || pixels < (long) overviews.get(level)[0] * overviews.get(level)[1])) {
                level = i;
            }
        }
        if (level < 0 || (long) overviews.get(level)[0] * overviews.get(level)[1] > MAX_OVERVIEW_PIXELS) {
            return Optional.empty();
        }
        float[][] samples = scene.readOverview(level + 1, bands);
        double nodata = scene.nodata().orElse(Double.NaN);
        int n = compact(samples, nodata);
        if (n == 0) {
            return Optional.empty();
        }
        LOG.debug("{}: stretch from overview {} ({}x{})", scene.file(), level + 1, overviews.get(level)[0],
                overviews.get(level)[1]);
        return Optional.of(fromSamples(samples, n, low, high));
    }

    /** Moves the pixels valid in every band to the front of each band's array; returns how many there are. */
    private static int compact(float[][] samples, double nodata) {
        int n = 0;
        for (int i = 0; i < samples[0].length; i++) {
            if (valid(samples, i, nodata)) {
                for (float[] band : samples) {
                    band[n] = band[i];
                }
                n++;
            }
        }
        return n;
    }

    /**
     * Per band, the {@code low} and {@code high} percentiles of the valid samples of a 4 x 4 grid
     * of windows.
     *
     * @throws InvalidInputException when no window holds a valid sample (a scene of nodata only)
     */
    public static Stretch percentiles(GeoScene scene, int[] bands, double low, double high) {
        int w = Math.min(WINDOW, scene.width());
        int h = Math.min(WINDOW, scene.height());
        float[][] samples = new float[bands.length][GRID * GRID * w * h];
        int n = 0;
        double nodata = scene.nodata().orElse(Double.NaN);
        for (int gy = 0; gy < GRID; gy++) {
            for (int gx = 0; gx < GRID; gx++) {
                int x = (int) ((long) (scene.width() - w) * (2 * gx + 1) / (2 * GRID));
                int y = (int) ((long) (scene.height() - h) * (2 * gy + 1) / (2 * GRID));
                float[][] window = scene.read(x, y, w, h, bands);
                for (int i = 0; i < w * h; i++) {
                    if (valid(window, i, nodata)) {
                        for (int b = 0; b < bands.length; b++) {
                            samples[b][n] = window[b][i];
                        }
                        n++;
                    }
                }
            }
        }
        if (n == 0) {
            throw new InvalidInputException(scene.file() + " holds only nodata"
                    + scene.nodata().map(v -> " (" + v + ")").orElse("") + " in the windows sampled for its stretch");
        }
        return fromSamples(samples, n, low, high);
    }

    /** Per band, the percentiles of the first {@code n} samples: nearest rank, rounded outwards. */
    private static Stretch fromSamples(float[][] samples, int n, double low, double high) {
        double[] lo = new double[samples.length];
        double[] hi = new double[samples.length];
        for (int b = 0; b < samples.length; b++) {
            float[] s = Arrays.copyOf(samples[b], n);
            Arrays.sort(s);
            lo[b] = s[(int) Math.floor((n - 1) * low / 100)];
            hi[b] = s[(int) Math.ceil((n - 1) * high / 100)];
            if (!(hi[b] > lo[b])) {
                hi[b] = lo[b] + 1; // a constant band stays dark rather than dividing by zero
            }
        }
        return new Stretch(lo, hi);
    }

    /** Whether pixel {@code i} of a window has a valid sample in every band. */
    static boolean valid(float[][] window, int i, double nodata) {
        for (float[] band : window) {
            float v = band[i];
            if (Float.isNaN(v) || v == nodata) {
                return false;
            }
        }
        return true;
    }

    /**
     * Stretches the samples of three bands ({@code samples[b][i]}, {@code n} pixels) into
     * interleaved 8-bit RGB at {@code rgb[offset]}: a pixel with a NaN or {@code nodata} sample in
     * any band stays 0 and, when {@code invalid} is given, is marked there (at {@code i}).
     *
     * @return the pixels that are not nodata
     */
    int toRgb(float[][] samples, int n, double nodata, byte[] rgb, int offset, boolean[] invalid) {
        int valid = 0;
        for (int i = 0; i < n; i++) {
            if (!valid(samples, i, nodata)) {
                if (invalid != null) {
                    invalid[i] = true;
                }
                continue;
            }
            valid++;
            for (int b = 0; b < 3; b++) {
                rgb[offset + i * 3 + b] = (byte) apply(b, samples[b][i]);
            }
        }
        return valid;
    }

    /** The 8-bit value of {@code v} in band {@code b}. */
    public int apply(int b, float v) {
        double t = (v - min[b]) / (max[b] - min[b]) * 255;
        return t <= 0 || Double.isNaN(t) ? 0 : t >= 255 ? 255 : (int) Math.round(t);
    }

    @Override
    public double[] min() {
        return min.clone();
    }

    @Override
    public double[] max() {
        return max.clone();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int b = 0; b < min.length; b++) {
            s.append(b == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.6g..%.6g", min[b], max[b]));
        }
        return s.toString();
    }
}
