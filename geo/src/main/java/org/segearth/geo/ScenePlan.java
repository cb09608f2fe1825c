package org.segearth.geo;

import java.util.Objects;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.geo.internal.TileLayout;

/**
 * How one scene is cut into tiles and turned into model input: the bands used as red, green and
 * blue, the stretch to 8 bits, and the tile layout (tiles of {@code tile} pixels sharing
 * {@code overlap}, row by row from the top left; the last tile of a row or column ends at the
 * scene's edge). The same plan gives the same pixels wherever it is read, so the tiles of a scene
 * can be segmented on different machines and merged by a {@link SceneMerger}.
 *
 * <pre>{@code
 * try (GeoScene scene = GeoScene.open(Path.of("scene.tif"))) {
 *     ScenePlan plan = ScenePlan.of(scene, SceneOptions.defaults().withTile(512, 64), 1024);
 *     int[] window = plan.window(0);                     // x, y, width, height of the first tile
 *     ScenePlan.Pixels px = plan.read(scene, window[0], window[1]);
 * }
 * }</pre>
 */
public final class ScenePlan {

    private final int width;
    private final int height;
    private final int[] bands;
    private final Stretch stretch;
    private final int tile;
    private final int overlap;
    private final TileLayout layout;

    /**
     * A plan from its parts (a plan made by {@link #of} elsewhere and sent here).
     *
     * @param bands 0-based bands used as red, green and blue
     */
    public ScenePlan(int width, int height, int[] bands, Stretch stretch, int tile, int overlap) {
        if (bands.length != 3) {
            throw new IllegalArgumentException("a plan takes three bands (red, green, blue), got " + bands.length);
        }
        this.width = width;
        this.height = height;
        this.bands = bands.clone();
        this.stretch = Objects.requireNonNull(stretch, "stretch");
        this.tile = tile;
        this.overlap = overlap;
        this.layout = new TileLayout(width, height, tile, overlap);
    }

    /**
     * The plan of {@code scene} with {@code options} for a model whose mask branch takes
     * {@code modelInputSide} pixels a side ({@link SceneOptions#modelInputSide}): its bands, its
     * stretch (the user's range, or {@link Stretch#auto}, which reads samples of the scene) and the
     * layout of its tiles ({@link SceneOptions#tileSide(int, java.util.OptionalDouble)}).
     *
     * @throws InvalidInputException for a band the scene does not have
     */
    public static ScenePlan of(GeoScene scene, SceneOptions options, int modelInputSide) {
        int[] bands = bands(scene, options);
        Stretch stretch = stretch(scene, options, bands);
        int tile = options.tileSide(modelInputSide, scene.groundSampleDistance());
        return new ScenePlan(scene.width(), scene.height(), bands, stretch, tile, options.overlapPixels(tile));
    }

    /** The user's range, or {@link Stretch#auto} over {@code bands} (which reads samples of the scene). */
    static Stretch stretch(GeoScene scene, SceneOptions options, int[] bands) {
        return options.stretchMin().isPresent()
                ? Stretch.fixed(3, options.stretchMin().get(), options.stretchMax().get())
                : Stretch.auto(scene, bands);
    }

    /**
     * The 0-based bands used as red, green and blue: the user's ({@code --bands}; one band as gray),
     * else bands 1, 2, 3, or band 1 as gray for a scene of fewer bands.
     */
    static int[] bands(GeoScene s, SceneOptions options) {
        int[] user = options.bands();
        int[] bands;
        if (user.length > 0) {
            bands = user.length == 1 ? new int[] {user[0] - 1, user[0] - 1, user[0] - 1}
                    : new int[] {user[0] - 1, user[1] - 1, user[2] - 1};
            for (int b : user) {
                if (b > s.bandCount()) {
                    throw new InvalidInputException(s.file() + " has " + s.bandCount() + " band"
                            + (s.bandCount() == 1 ? "" : "s") + "; --bands " + b + " is out of range (1.."
                            + s.bandCount() + ")");
                }
            }
        } else {
            bands = s.bandCount() >= 3 ? new int[] {0, 1, 2} : new int[] {0, 0, 0};
        }
        return bands;
    }

    /**
     * One tile's model input: interleaved 8-bit RGB, the nodata pixels ({@code invalid[i]} true)
     * and how many pixels are valid (0: the tile is skipped).
     */
    public record Pixels(int width, int height, byte[] rgb, boolean[] invalid, int valid) {

        /** The tile as an image for the segmenter. */
        public ImageSource image() {
            return ImageSource.ofRgb(rgb, width, height);
        }
    }

    /**
     * Reads the tile at {@code (x0, y0)} and stretches it: a pixel with a NaN or nodata sample in
     * any band is invalid and stays black.
     */
    public Pixels read(GeoScene scene, int x0, int y0) {
        int w = layout.tileWidth();
        int h = layout.tileHeight();
        double nodata = scene.nodata().orElse(Double.NaN);
        float[][] window = scene.read(x0, y0, w, h, bands);
        byte[] rgb = new byte[w * h * 3];
        boolean[] invalid = new boolean[w * h];
        int valid = stretch.toRgb(window, w * h, nodata, rgb, 0, invalid);
        return new Pixels(w, h, rgb, invalid, valid);
    }

    /** The row of tiles tile {@code index} is in (0: the top row). */
    public int tileRow(int index) {
        return index / layout.xs().length;
    }

    /**
     * The batch of tile {@code index} when the tiles of each row of tiles are encoded
     * {@code batch} at a time from its left (as {@link SceneSegmenter} does): tiles with equal
     * numbers go into one batch.
     */
    public int batchOf(int index, int batch) {
        int nx = layout.xs().length;
        return tileRow(index) * ((nx + batch - 1) / batch) + (index % nx) / batch;
    }

    /** Tile {@code index} (row by row, as {@link #xs()} within {@link #ys()}): x, y, width, height. */
    public int[] window(int index) {
        int[] xs = layout.xs();
        int[] ys = layout.ys();
        if (index < 0 || index >= layout.count()) {
            throw new IllegalArgumentException("tile " + index + " is outside 0.." + (layout.count() - 1));
        }
        return new int[] {xs[index % xs.length], ys[index / xs.length], layout.tileWidth(), layout.tileHeight()};
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** The 0-based bands used as red, green and blue. */
    public int[] bands() {
        return bands.clone();
    }

    public Stretch stretch() {
        return stretch;
    }

    /** The tile side asked for (a scene smaller than that is one tile of its own size). */
    public int tile() {
        return tile;
    }

    /** Pixels shared by neighbouring tiles. */
    public int overlap() {
        return overlap;
    }

    /** Left columns of the tiles. */
    public int[] xs() {
        return layout.xs();
    }

    /** Top rows of the tiles. */
    public int[] ys() {
        return layout.ys();
    }

    public int tileWidth() {
        return layout.tileWidth();
    }

    public int tileHeight() {
        return layout.tileHeight();
    }

    /** Tiles in the layout. */
    public int tileCount() {
        return layout.count();
    }
}
