package org.segearth.geo;

import java.util.Optional;
import org.segearth.api.InvalidInputException;

/**
 * How a scene is segmented: bands, stretch, tiles, vector output. Immutable; the {@code with}
 * methods return changed copies.
 *
 * <pre>{@code
 * SceneOptions options = SceneOptions.defaults().withBands(4, 3, 2).withTile(1024, 128).withSimplify(1.5);
 * }</pre>
 *
 * @param bands 1-based bands to use as red, green, blue (one band is repeated); empty: the RGB
 *     bands where the file says so, else the first three, else the single band repeated
 * @param stretchMin with {@code stretchMax}: the range mapped to 0..255 in every band; empty: see {@link Stretch}
 * @param stretchMax the value that becomes 255
 * @param tile tile side in pixels; 0: the model's mask input (1024)
 * @param overlap pixels shared by neighbouring tiles; -1: an eighth of the tile
 * @param simplify Douglas-Peucker tolerance for polygons, in pixels (topology kept); 0: none
 * @param nativeVectorCrs polygons in the scene's CRS instead of WGS 84 longitude/latitude (RFC 7946)
 * @param progress told after every tile
 */
public record SceneOptions(int[] bands, Optional<Double> stretchMin, Optional<Double> stretchMax, int tile, int overlap,
        double simplify, boolean nativeVectorCrs, Progress progress) {

    /** The model's mask-branch input side: the default tile. */
    public static final int DEFAULT_TILE = 1024;

    /** Told after each tile (segmented or skipped). */
    @FunctionalInterface
    public interface Progress {
        void tiles(int done, int total);
    }

    public SceneOptions {
        bands = bands == null ? new int[0] : bands.clone();
        if (bands.length != 0 && bands.length != 1 && bands.length != 3) {
            throw new InvalidInputException("--bands takes one band or three (red, green, blue), got " + bands.length);
        }
        for (int b : bands) {
            if (b < 1) {
                throw new InvalidInputException("--bands are numbered from 1, got " + b);
            }
        }
        if (stretchMin.isPresent() != stretchMax.isPresent()) {
            throw new InvalidInputException("give both the stretch minimum and maximum, or neither");
        }
        if (tile != 0 && tile < 64) {
            throw new InvalidInputException("--tile " + tile + " is too small; use at least 64 pixels");
        }
        int side = tile == 0 ? DEFAULT_TILE : tile;
        if (overlap < -1 || overlap >= side / 2) {
            throw new InvalidInputException("--overlap " + overlap + " must be >= 0 and less than half the tile (" + side
                    + ")");
        }
        if (!(simplify >= 0)) {
            throw new InvalidInputException("--simplify " + simplify + " must be >= 0 pixels");
        }
        progress = progress == null ? (done, total) -> { } : progress;
    }

    /** Defaults: the file's RGB bands, automatic stretch, 1024-pixel tiles sharing 128, 1-pixel simplification, WGS 84. */
    public static SceneOptions defaults() {
        return new SceneOptions(new int[0], Optional.empty(), Optional.empty(), 0, -1, 1.0, false, null);
    }

    @Override
    public int[] bands() {
        return bands.clone();
    }

    public SceneOptions withBands(int... bands) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, progress);
    }

    public SceneOptions withStretch(double min, double max) {
        return new SceneOptions(bands, Optional.of(min), Optional.of(max), tile, overlap, simplify, nativeVectorCrs,
                progress);
    }

    public SceneOptions withTile(int tile, int overlap) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, progress);
    }

    public SceneOptions withSimplify(double pixels) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, pixels, nativeVectorCrs, progress);
    }

    public SceneOptions withNativeVectorCrs(boolean enabled) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, enabled, progress);
    }

    public SceneOptions withProgress(Progress listener) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, listener);
    }

    /** The tile side used. */
    public int tileSide() {
        return tile == 0 ? DEFAULT_TILE : tile;
    }

    /** The overlap used. */
    public int overlapPixels() {
        return overlap < 0 ? tileSide() / 8 : overlap;
    }
}
