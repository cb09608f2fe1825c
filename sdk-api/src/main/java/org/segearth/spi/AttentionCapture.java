package org.segearth.spi;

import java.util.Arrays;

/**
 * Which attention probabilities a {@link LanguageModel#forward} returns: per layer the softmax
 * probabilities {@code [batch, heads, rows, columns]}, optionally restricted to some query rows
 * (indices into the tokens of this forward) and key columns (absolute positions, cache
 * included) to save memory, e.g. the [SEG] rows and the image-token columns.
 *
 * <pre>{@code
 * AttentionCapture seg = AttentionCapture.slice(segRows, imageColumns);
 * }</pre>
 *
 * @param rows query indices to keep, or null for all
 * @param columns key positions to keep, or null for all
 */
public record AttentionCapture(int[] rows, int[] columns) {

    public AttentionCapture {
        rows = rows == null ? null : rows.clone();
        columns = columns == null ? null : columns.clone();
    }

    /** Every row and column. */
    public static AttentionCapture all() {
        return new AttentionCapture(null, null);
    }

    /** The given rows and columns (null for all of one axis). */
    public static AttentionCapture slice(int[] rows, int[] columns) {
        return new AttentionCapture(rows, columns);
    }

    /** The columns {@code from} (inclusive) to {@code to} (exclusive). */
    public static int[] range(int from, int to) {
        int[] out = new int[Math.max(0, to - from)];
        for (int i = 0; i < out.length; i++) {
            out[i] = from + i;
        }
        return out;
    }

    @Override
    public int[] rows() {
        return rows == null ? null : rows.clone();
    }

    @Override
    public int[] columns() {
        return columns == null ? null : columns.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionCapture a && Arrays.equals(rows, a.rows) && Arrays.equals(columns, a.columns);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(rows) + Arrays.hashCode(columns);
    }

    @Override
    public String toString() {
        return "AttentionCapture[rows=" + Arrays.toString(rows) + ", columns=" + Arrays.toString(columns) + "]";
    }
}
