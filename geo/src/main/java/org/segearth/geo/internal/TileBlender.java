package org.segearth.geo.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.GeometryFactory;

/**
 * Blends per-tile mask logits into scene masks, one band of rows at a time. For each scene
 * target it keeps {@code sum(w * logit)} and {@code sum(w)} over the rows a tile row covers
 * ({@code w}: the tile's ramp weight); when a tile row is done, the rows no later tile touches
 * are final: {@code sum > 0} where some tile named the target and the pixel is not nodata is
 * foreground. Final rows go straight to the target's GeoTIFF, polygons and quick-look, so memory
 * is {@code tileHeight x sceneWidth} floats per target, whatever the scene's height. A tile that
 * does not name a target gives no evidence for or against it.
 */
public final class TileBlender implements AutoCloseable {

    /** One scene target being blended. */
    public static final class Blend {
        final int id;
        final String phrase;
        final float[] sum;
        final float[] weight;
        final GeoTiffMaskWriter writer;
        final Path file;
        final MaskPolygons polygons;
        final byte[] quickMask;
        double scoreTimesArea;
        double area;
        double scoreSum;
        int tiles;
        long pixels;

        Blend(int id, String phrase, int cells, GeoTiffMaskWriter writer, Path file, MaskPolygons polygons,
                byte[] quickMask) {
            this.id = id;
            this.phrase = phrase;
            this.sum = new float[cells];
            this.weight = new float[cells];
            this.writer = writer;
            this.file = file;
            this.polygons = polygons;
            this.quickMask = quickMask;
        }

        public String phrase() {
            return phrase;
        }

        public Path file() {
            return file;
        }

        public long pixels() {
            return pixels;
        }

        public int tiles() {
            return tiles;
        }

        public byte[] quickMask() {
            return quickMask;
        }

        /** Per-tile scores weighted by the tile's mask area (plain mean when all were empty). */
        public double score() {
            return area > 0 ? scoreTimesArea / area : tiles == 0 ? 0 : scoreSum / tiles;
        }

        public MaskPolygons polygons() {
            return polygons;
        }
    }

    private final int width;
    private final int height;
    private final int rows;
    private final Path folder;
    private final TiffDirectory geo;
    private final QuickLook quickLook;
    private final GeometryFactory factory = new GeometryFactory();
    private final Map<String, Blend> blends = new LinkedHashMap<>();
    private final byte[] nodata; // 1 = nodata, per buffered pixel
    private final byte[] row;
    private int bandStart;

    /**
     * @param rows rows buffered: the tile height
     * @param folder where the mask files are written (a staging folder)
     */
    public TileBlender(int width, int height, int rows, Path folder, TiffDirectory geo, QuickLook quickLook) {
        this.width = width;
        this.height = height;
        this.rows = rows;
        this.folder = folder;
        this.geo = geo;
        this.quickLook = quickLook;
        this.nodata = new byte[rows * width];
        this.row = new byte[width];
    }

    /** Marks nodata pixels of a window ({@code invalid[i]} true = nodata). */
    public void nodata(int x0, int y0, int w, int h, boolean[] invalid) {
        for (int y = 0; y < h; y++) {
            int at = (y0 + y - bandStart) * width + x0;
            for (int x = 0; x < w; x++) {
                if (invalid[y * w + x]) {
                    nodata[at + x] = 1;
                }
            }
        }
    }

    /**
     * Adds one tile's logits for the target named {@code phrase} (several targets of one tile with
     * the same phrase come as their per-pixel maximum).
     */
    public void add(String phrase, int x0, int y0, int w, int h, float[] logits, float[] rampX, float[] rampY,
            double score, long maskArea) throws IOException {
        Blend b = blends.get(phrase);
        if (b == null) {
            int id = blends.size();
            Path file = folder.resolve("blend-" + id + ".tif");
            GeoTiffMaskWriter writer = new GeoTiffMaskWriter(file, width, height, geo);
            writer.writeZeroRows(bandStart);
            b = new Blend(id, phrase, rows * width, writer, file, new MaskPolygons(factory), quickLook.newMask());
            blends.put(phrase, b);
        }
        for (int y = 0; y < h; y++) {
            int at = (y0 + y - bandStart) * width + x0;
            for (int x = 0; x < w; x++) {
                float wt = rampX[x] * rampY[y];
                b.sum[at + x] += wt * logits[y * w + x];
                b.weight[at + x] += wt;
            }
        }
        b.tiles++;
        b.scoreTimesArea += score * maskArea;
        b.area += maskArea;
        b.scoreSum += score;
    }

    /** Rows {@code [bandStart, end)} are final: writes them and moves the buffer down. */
    public void finishRows(int end) throws IOException {
        int n = end - bandStart;
        for (Blend b : blends.values()) {
            for (int r = 0; r < n; r++) {
                int at = r * width;
                for (int x = 0; x < width; x++) {
                    boolean fg = b.weight[at + x] > 0 && b.sum[at + x] > 0 && nodata[at + x] == 0;
                    row[x] = fg ? (byte) 255 : 0;
                    if (fg) {
                        b.pixels++;
                    }
                }
                b.writer.writeRows(row, 0, 1);
                b.polygons.addRow(bandStart + r, row, 0, width);
                quickLook.addMaskRow(b.quickMask, bandStart + r, row, 0);
            }
            b.polygons.endChunk();
            shift(b.sum, n);
            shift(b.weight, n);
        }
        shiftBytes(nodata, n);
        bandStart = end;
    }

    private void shift(float[] a, int n) {
        System.arraycopy(a, n * width, a, 0, (rows - n) * width);
        Arrays.fill(a, (rows - n) * width, a.length, 0f);
    }

    private void shiftBytes(byte[] a, int n) {
        System.arraycopy(a, n * width, a, 0, (rows - n) * width);
        Arrays.fill(a, (rows - n) * width, a.length, (byte) 0);
    }

    /** Finishes every file (all rows must be final). */
    public List<Blend> finish() throws IOException {
        if (bandStart != height) {
            throw new IllegalStateException("rows " + bandStart + ".." + height + " were never finished");
        }
        for (Blend b : blends.values()) {
            b.writer.finish();
            b.writer.close();
        }
        return new ArrayList<>(blends.values());
    }

    @Override
    public void close() throws IOException {
        for (Blend b : blends.values()) {
            b.writer.close();
        }
    }
}
