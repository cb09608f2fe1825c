package org.segearth.geo.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Tiles of {@code tile x tile} pixels stepping by {@code tile - overlap}; the last tile of a row
 * or column is moved back to end at the scene's edge (so every tile is full size when the scene
 * is at least one tile wide). A scene smaller than a tile is one tile of its own size.
 */
public final class TileLayout {

    private final int[] xs;
    private final int[] ys;
    private final int tileWidth;
    private final int tileHeight;

    public TileLayout(int width, int height, int tile, int overlap) {
        this.tileWidth = Math.min(tile, width);
        this.tileHeight = Math.min(tile, height);
        this.xs = starts(width, tileWidth, tile - overlap);
        this.ys = starts(height, tileHeight, tile - overlap);
    }

    static int[] starts(int size, int tile, int stride) {
        List<Integer> s = new ArrayList<>();
        for (int at = 0; ; at += stride) {
            if (at + tile >= size) {
                s.add(size - tile);
                break;
            }
            s.add(at);
        }
        return s.stream().mapToInt(Integer::intValue).distinct().toArray();
    }

    public int[] xs() {
        return xs.clone();
    }

    public int[] ys() {
        return ys.clone();
    }

    public int tileWidth() {
        return tileWidth;
    }

    public int tileHeight() {
        return tileHeight;
    }

    public int count() {
        return xs.length * ys.length;
    }

    /**
     * Blending weight along one axis of a tile at {@code [start, start + length)}: a linear ramp over
     * {@code overlap} pixels at each side that borders another tile, 1 elsewhere and at the scene's edges.
     */
    public static float[] ramp(int start, int length, int size, int overlap) {
        float[] w = new float[length];
        for (int i = 0; i < length; i++) {
            double v = 1;
            if (overlap > 0 && start > 0) {
                v = Math.min(v, (i + 0.5) / overlap);
            }
            if (overlap > 0 && start + length < size) {
                v = Math.min(v, (length - i - 0.5) / overlap);
            }
            w[i] = (float) Math.max(v, 1e-3);
        }
        return w;
    }
}
