package org.segearth.runtime.eval;

import org.segearth.api.Mask;
import org.segearth.spi.nn.Interpolation;

/**
 * Ground truth in the official evaluation's frame: {@code eval.py} squashes each uint8 mask to
 * the square frame with {@code F.interpolate(mode="bilinear", align_corners=False)} and keeps
 * what is {@code > 0}. Torch (2.1, the official requirement) resizes a uint8 image with 1 to 4
 * channels separably, width first, rounding each pass back to uint8; for a 0/1 mask that is a
 * bilinear pass along each row kept where it reaches 0.5, then the same along each column. This
 * class does exactly that with torch's bilinear weights ({@link Interpolation#matrix}); equality
 * with torch's own uint8 kernel is checked by a test.
 *
 * <pre>{@code
 * Mask squashed = FrameMasks.squash(groundTruth, 1024);   // 1024x1024, aspect ratio not kept
 * }</pre>
 */
public final class FrameMasks {

    private FrameMasks() {}

    /** {@code mask} resized to {@code frame x frame} as {@code eval.py} resizes ground truth. */
    public static Mask squash(Mask mask, int frame) {
        return resize(mask, frame, frame);
    }

    /** {@code mask} resized to {@code width x height} with torch's uint8 bilinear kernel, then {@code > 0}. */
    public static Mask resize(Mask mask, int width, int height) {
        int w = mask.width();
        int h = mask.height();
        boolean[] in = mask.toBooleans();
        Taps cols = new Taps(w, width);
        Taps rows = new Taps(h, height);
        boolean[] wide = new boolean[h * width];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < width; x++) {
                wide[y * width + x] = cols.at(x, in[y * w + cols.i0[x]], in[y * w + cols.i1[x]]);
            }
        }
        boolean[] out = new boolean[height * width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                out[y * width + x] = rows.at(y, wide[rows.i0[y] * width + x], wide[rows.i1[y] * width + x]);
            }
        }
        return Mask.fromBooleans(out, width, height);
    }

    /** The two source cells and weights of each output cell, as {@link Interpolation#matrix} computes them. */
    private static final class Taps {
        final int[] i0;
        final int[] i1;
        final float[] l0;
        final float[] l1;

        Taps(int in, int out) {
            i0 = new int[out];
            i1 = new int[out];
            l0 = new float[out];
            l1 = new float[out];
            float scale = (float) in / out;
            for (int o = 0; o < out; o++) {
                float src = Math.max(scale * (o + 0.5f) - 0.5f, 0f);
                i0[o] = Math.min((int) src, in - 1);
                i1[o] = Math.min(i0[o] + 1, in - 1);
                l1[o] = src - i0[o];
                l0[o] = 1f - l1[o];
            }
        }

        /** Whether the mix of {@code a} (first cell) and {@code b} (second) at {@code o} rounds to 1. */
        boolean at(int o, boolean a, boolean b) {
            float s = 0;
            if (a) {
                s += l0[o];
            }
            if (b) {
                s += l1[o];
            }
            return s >= 0.5f;
        }
    }
}
