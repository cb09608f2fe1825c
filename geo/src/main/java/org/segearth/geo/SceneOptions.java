package org.segearth.geo;

import java.util.Optional;
import java.util.OptionalDouble;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Segmenter;
import org.segearth.runtime.pipeline.DefaultSegmenter;

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
 * @param tile tile side in pixels; 0: from the model's mask-branch input side (see {@link #tileSide(int, OptionalDouble)})
 * @param overlap pixels shared by neighbouring tiles; -1: an eighth of the tile
 * @param inputGsd with {@code tile} 0, the ground sample distance in metres that one pixel of the
 *     model's input should cover (tiles are then resampled to the input side); 0: none, a tile is
 *     the input side and the scene keeps its resolution
 * @param tileBatch tiles of a row encoded together in one batch (the SDK's segmenter; at most its
 *     feature cache's size); 1: one at a time
 * @param simplify Douglas-Peucker tolerance for polygons, in pixels (topology kept); 0: none
 * @param nativeVectorCrs polygons in the scene's CRS instead of WGS 84 longitude/latitude (RFC 7946)
 * @param progress told after every tile
 */
public record SceneOptions(int[] bands, Optional<Double> stretchMin, Optional<Double> stretchMax, int tile, int overlap,
        double simplify, boolean nativeVectorCrs, double inputGsd, int tileBatch, Progress progress) {

    /** The tile side for a segmenter whose mask-branch input is unknown: SegEarth-R2's 1024. */
    public static final int DEFAULT_TILE = 1024;
    /** The smallest tile. */
    public static final int MIN_TILE = 64;
    /** Tiles encoded in one batch by default (docs/performance.md: 35 % less encoder time on CPU than one by one). */
    public static final int DEFAULT_TILE_BATCH = 2;
    /** The largest tile {@code inputGsd} may ask for, as a multiple of the model's input side. */
    static final int MAX_RESAMPLING = 8;

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
        if (tile != 0 && tile < MIN_TILE) {
            throw new InvalidInputException("--tile " + tile + " is too small; use at least " + MIN_TILE + " pixels");
        }
        if (overlap < -1 || (tile != 0 && overlap >= tile / 2)) {
            throw new InvalidInputException("--overlap " + overlap + " must be >= 0 and less than half the tile (" + tile
                    + ")");
        }
        if (!(inputGsd >= 0) || Double.isInfinite(inputGsd)) {
            throw new InvalidInputException("--gsd " + inputGsd + " must be a positive number of metres");
        }
        if (tileBatch < 1 || tileBatch > 16) {
            throw new InvalidInputException("--tile-batch " + tileBatch + " must be 1 to 16 tiles");
        }
        if (inputGsd > 0 && tile != 0) {
            throw new InvalidInputException("give --tile or --gsd, not both: --gsd chooses the tile side");
        }
        if (!(simplify >= 0)) {
            throw new InvalidInputException("--simplify " + simplify + " must be >= 0 pixels");
        }
        progress = progress == null ? (done, total) -> { } : progress;
    }

    /**
     * Defaults: the file's RGB bands, automatic stretch, tiles of the model's input side sharing an
     * eighth, 1-pixel simplification, WGS 84.
     */
    public static SceneOptions defaults() {
        return new SceneOptions(new int[0], Optional.empty(), Optional.empty(), 0, -1, 1.0, false, 0,
                DEFAULT_TILE_BATCH, null);
    }

    @Override
    public int[] bands() {
        return bands.clone();
    }

    public SceneOptions withBands(int... bands) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, inputGsd, tileBatch,
                progress);
    }

    public SceneOptions withStretch(double min, double max) {
        return new SceneOptions(bands, Optional.of(min), Optional.of(max), tile, overlap, simplify, nativeVectorCrs,
                inputGsd, tileBatch, progress);
    }

    public SceneOptions withTile(int tile, int overlap) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, inputGsd, tileBatch,
                progress);
    }

    public SceneOptions withSimplify(double pixels) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, pixels, nativeVectorCrs, inputGsd, tileBatch,
                progress);
    }

    public SceneOptions withNativeVectorCrs(boolean enabled) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, enabled, inputGsd, tileBatch,
                progress);
    }

    public SceneOptions withProgress(Progress listener) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, inputGsd,
                tileBatch, listener);
    }

    /** Up to {@code tiles} tiles of a row encoded in one batch (1: one at a time). */
    public SceneOptions withTileBatch(int tiles) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, inputGsd, tiles,
                progress);
    }

    /**
     * Tiles resampled so that one pixel of the model's input covers {@code metres} of ground: a
     * tile spans {@code input side x metres / the scene's ground sample distance} scene pixels
     * (clamped to 64 .. 8 x the input side). For a model known to work best at a coarser (or finer)
     * resolution than the scene's; a scene without a known ground sample distance keeps tiles of the
     * input side.
     */
    public SceneOptions withInputGsd(double metres) {
        return new SceneOptions(bands, stretchMin, stretchMax, tile, overlap, simplify, nativeVectorCrs, metres, tileBatch,
                progress);
    }

    /**
     * The tile side for a model whose mask-branch input side is {@code inputSide} and a scene whose
     * ground sample distance (metres per pixel) is {@code sceneGsd}, if known: {@code tile} when
     * given; else, with {@link #inputGsd}, {@code inputSide x inputGsd / sceneGsd} rounded and
     * clamped to 64 .. 8 x {@code inputSide}; else the input side itself, so that the model sees the
     * scene at its own resolution, pixel for pixel.
     */
    public int tileSide(int inputSide, OptionalDouble sceneGsd) {
        if (tile != 0) {
            return tile;
        }
        if (inputGsd > 0 && sceneGsd.isPresent() && sceneGsd.getAsDouble() > 0) {
            long side = Math.round(inputSide * inputGsd / sceneGsd.getAsDouble());
            return (int) Math.max(MIN_TILE, Math.min((long) MAX_RESAMPLING * inputSide, side));
        }
        return Math.max(MIN_TILE, inputSide);
    }

    /** The overlap for tiles of {@code tileSide}: {@code overlap} when given, else an eighth of the tile. */
    public int overlapPixels(int tileSide) {
        int o = overlap < 0 ? tileSide / 8 : overlap;
        if (o >= tileSide / 2) {
            throw new InvalidInputException("--overlap " + o + " must be less than half the tile (" + tileSide + ")");
        }
        return o;
    }

    /**
     * The side of the square the model's mask branch takes its input at (the model package's
     * {@code mask_image_size}) for the SDK's segmenter, else {@link #DEFAULT_TILE}.
     */
    public static int modelInputSide(Segmenter segmenter) {
        if (segmenter instanceof DefaultSegmenter d) {
            return d.model().modelPackage().manifest().maskImageSize();
        }
        return DEFAULT_TILE;
    }
}
