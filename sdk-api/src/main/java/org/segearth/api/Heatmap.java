package org.segearth.api;

import java.util.Objects;

/**
 * Values on a grid laid over the image (row-major), e.g. how much a {@code [SEG]} token attends to
 * each image patch, summed over heads and averaged over layers.
 *
 * <pre>{@code
 * target.attention().ifPresent(h -> System.out.println(h.width() + "x" + h.height() + " max " + h.max()));
 * }</pre>
 *
 * @param width grid columns
 * @param height grid rows
 * @param values {@code width * height} values, row-major
 */
public record Heatmap(int width, int height, float[] values) {

    public Heatmap {
        Objects.requireNonNull(values, "values");
        if ((long) width * height != values.length) {
            throw new IllegalArgumentException("heatmap " + width + "x" + height + " needs " + (long) width * height
                    + " values, got " + values.length);
        }
        values = values.clone();
    }

    @Override
    public float[] values() {
        return values.clone();
    }

    /** The value at column {@code x}, row {@code y}. */
    public float get(int x, int y) {
        return values[y * width + x];
    }

    /** The largest value. */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (float v : values) {
            m = Math.max(m, v);
        }
        return m;
    }
}
