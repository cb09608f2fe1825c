package org.segearth.geo.internal;

import org.segearth.geo.GeoScene;
import org.segearth.geo.Stretch;

/**
 * One tile's pixels as the model takes them: 8-bit RGB after the stretch, which pixels are
 * nodata (NaN or the scene's nodata value in any band) and how many are not.
 *
 * @param x0 the tile's first column in the scene
 * @param y0 the tile's first row
 * @param rgb interleaved RGB, row-major, 0 where a pixel is nodata
 * @param invalid per pixel, whether it is nodata
 * @param valid pixels that are not nodata
 */
public record TilePixels(int x0, int y0, byte[] rgb, boolean[] invalid, int valid) {

    /** Reads the tile at {@code x0, y0} of {@code w x h} pixels, {@code bands} (0-based) as red, green, blue. */
    public static TilePixels read(GeoScene scene, int x0, int y0, int w, int h, int[] bands, Stretch stretch) {
        double nodata = scene.nodata().orElse(Double.NaN);
        float[][] window = scene.read(x0, y0, w, h, bands);
        byte[] rgb = new byte[w * h * 3];
        boolean[] invalid = new boolean[w * h];
        int valid = 0;
        for (int i = 0; i < w * h; i++) {
            if (!validPixel(window, i, nodata)) {
                invalid[i] = true;
                continue;
            }
            valid++;
            for (int b = 0; b < 3; b++) {
                rgb[i * 3 + b] = (byte) stretch.apply(b, window[b][i]);
            }
        }
        return new TilePixels(x0, y0, rgb, invalid, valid);
    }

    private static boolean validPixel(float[][] window, int i, double nodata) {
        for (float[] band : window) {
            if (Float.isNaN(band[i]) || band[i] == nodata) {
                return false;
            }
        }
        return true;
    }
}
