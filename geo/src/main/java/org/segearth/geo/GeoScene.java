package org.segearth.geo;

import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.apache.sis.coverage.grid.GridCoverage;
import org.apache.sis.coverage.grid.GridExtent;
import org.apache.sis.coverage.grid.GridGeometry;
import org.apache.sis.coverage.grid.PixelInCell;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.operation.matrix.AffineTransforms2D;
import org.apache.sis.storage.Aggregate;
import org.apache.sis.storage.DataStore;
import org.apache.sis.storage.DataStoreException;
import org.apache.sis.storage.DataStores;
import org.apache.sis.storage.GridCoverageResource;
import org.apache.sis.storage.Resource;
import org.apache.sis.storage.event.WarningEvent;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;
import org.opengis.util.FactoryException;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.geo.internal.Areas;
import org.segearth.geo.internal.TiffDirectory;
import org.segearth.runtime.Messages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A GeoTIFF scene opened for reading window by window (Apache SIS reads only the strips or tiles
 * a window touches): size, bands, sample type, nodata, CRS and the pixel-to-CRS transform.
 *
 * <pre>{@code
 * try (GeoScene scene = GeoScene.open(Path.of("scene.tif"))) {
 *     float[][] bands = scene.read(0, 0, 512, 512, new int[] {2, 1, 0});  // one array per band, row-major
 * }
 * }</pre>
 */
public final class GeoScene implements AutoCloseable {

    /** How samples are stored. */
    public enum SampleType { UINT8, UINT16, FLOAT32 }

    private static final Logger LOG = LoggerFactory.getLogger(GeoScene.class);

    private final Path file;
    private final DataStore store;
    private final GridCoverageResource resource;
    private final GridGeometry grid;
    private final TiffDirectory directory;
    private final int width;
    private final int height;
    private final int bands;
    private final SampleType sampleType;
    private final Optional<Double> nodata;
    private final CoordinateReferenceSystem crs;
    private final AffineTransform pixelToCrs;

    private GeoScene(Path file, DataStore store, GridCoverageResource resource, TiffDirectory directory)
            throws DataStoreException {
        this.file = file;
        this.store = store;
        this.resource = resource;
        this.directory = directory;
        this.grid = resource.getGridGeometry();
        GridExtent extent = grid.getExtent();
        this.width = Math.toIntExact(extent.getSize(0));
        this.height = Math.toIntExact(extent.getSize(1));
        this.bands = (int) directory.number(TiffDirectory.SAMPLES_PER_PIXEL, 1);
        this.sampleType = sampleType(file, directory);
        this.nodata = directory.gdalNodata();
        if (directory.isGeoreferenced()) {
            if (!grid.isDefined(GridGeometry.CRS) || !grid.isDefined(GridGeometry.GRID_TO_CRS)) {
                throw new InvalidInputException(file + ": its coordinate reference system is not supported (Apache SIS"
                        + " resolves WGS 84, NAD83, ETRS89 and their UTM zones, Web Mercator and CRSs defined by"
                        + " GeoKeys, but not this one without the EPSG database)");
            }
            this.crs = grid.getCoordinateReferenceSystem();
            this.pixelToCrs = AffineTransforms2D.castOrCopy(grid.getGridToCRS(PixelInCell.CELL_CORNER));
        } else {
            this.crs = null;
            this.pixelToCrs = null;
        }
    }

    /** Whether {@code file} is a TIFF that places its grid on the Earth. */
    public static boolean isGeoTiff(Path file) {
        return TiffDirectory.isTiff(file) && TiffDirectory.read(file).isGeoreferenced();
    }

    /**
     * Opens a (Geo)TIFF.
     *
     * @throws InvalidInputException for a file that is not a TIFF, a sample format we cannot read
     *     or a CRS that cannot be resolved
     */
    public static GeoScene open(Path file) {
        if (!TiffDirectory.isTiff(file)) {
            throw new InvalidInputException(file + " is not a TIFF");
        }
        TiffDirectory directory = TiffDirectory.read(file);
        sampleType(file, directory); // fail before SIS reads anything
        checkCompression(file, directory);
        DataStore store = null;
        try {
            store = DataStores.open(file);
            // SIS's warnings (e.g. an unknown CRS) go to our log, not to java.util.logging's console
            store.addListener(WarningEvent.class, w -> LOG.debug("{}: {}", file, w.getDescription().getMessage()));
            GridCoverageResource resource = firstCoverage(store);
            if (resource == null) {
                throw new InvalidInputException(file + " holds no image");
            }
            return new GeoScene(file, store, resource, directory);
        } catch (DataStoreException | RuntimeException e) {
            closeQuietly(store);
            if (e instanceof InvalidInputException i) {
                throw i;
            }
            String why = oneLine(e);
            if (why.toLowerCase(java.util.Locale.ROOT).contains("crs") || why.contains("EPSG")
                    || why.toLowerCase(java.util.Locale.ROOT).contains("coordinate")) {
                throw new InvalidInputException(file + ": its coordinate reference system is not supported: " + why, e);
            }
            throw new InvalidInputException(file + " cannot be read as a GeoTIFF: " + why, e);
        }
    }

    private static GridCoverageResource firstCoverage(Resource r) throws DataStoreException {
        if (r instanceof GridCoverageResource g) {
            return g;
        }
        if (r instanceof Aggregate a) {
            for (Resource c : a.components()) {
                GridCoverageResource g = firstCoverage(c);
                if (g != null) {
                    return g;
                }
            }
        }
        return null;
    }

    private static SampleType sampleType(Path file, TiffDirectory d) {
        int bits = (int) d.number(TiffDirectory.BITS_PER_SAMPLE, 1);
        int format = (int) d.number(TiffDirectory.SAMPLE_FORMAT, 1);
        if (format == 1 && bits == 8) {
            return SampleType.UINT8;
        }
        if (format == 1 && bits == 16) {
            return SampleType.UINT16;
        }
        if (format == 3 && bits == 32) {
            return SampleType.FLOAT32;
        }
        String kind = switch (format) {
            case 1 -> "unsigned integer";
            case 2 -> "signed integer";
            case 3 -> "floating point";
            default -> "sample format " + format;
        };
        throw new InvalidInputException(file + " has " + bits + "-bit " + kind + " samples; supported are 8- and"
                + " 16-bit unsigned integers and 32-bit floats (convert it, e.g. gdal_translate -ot UInt16)");
    }

    private static void checkCompression(Path file, TiffDirectory d) {
        int c = (int) d.number(TiffDirectory.COMPRESSION, 1);
        if (c == 1 || c == 5 || c == 8 || c == 32946 || c == 32773) {
            return; // none, LZW, Deflate (both codes), PackBits: what Apache SIS 1.6 decodes
        }
        String name = switch (c) {
            case 6, 7 -> "JPEG";
            case 34887 -> "LERC";
            case 34925 -> "LZMA";
            case 50000 -> "ZSTD";
            case 50001 -> "WebP";
            default -> "code " + c;
        };
        throw new InvalidInputException(file + " uses " + name + " compression, which is not supported (none, LZW,"
                + " Deflate and PackBits are); convert it, e.g. gdal_translate -co COMPRESS=DEFLATE");
    }

    /** The first line of an exception's message, printable. */
    static String oneLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        return Messages.abbreviate(m.lines().findFirst().orElse(m).strip(), 300);
    }

    private static void closeQuietly(DataStore store) {
        if (store != null) {
            try {
                store.close();
            } catch (DataStoreException ignored) {
                // nothing to do: the open already failed
            }
        }
    }

    public Path file() {
        return file;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Samples per pixel. */
    public int bandCount() {
        return bands;
    }

    public SampleType sampleType() {
        return sampleType;
    }

    /** The nodata value the file declares (GDAL's tag), if any. */
    public Optional<Double> nodata() {
        return nodata;
    }

    /** Whether the file says its first three bands are red, green and blue. */
    public boolean declaresRgb() {
        return directory.number(TiffDirectory.PHOTOMETRIC, -1) == 2 && bands >= 3;
    }

    /** Whether the scene has a CRS and a pixel-to-CRS transform. */
    public boolean isGeoreferenced() {
        return crs != null;
    }

    /** The scene's CRS; empty for a plain TIFF. */
    public Optional<CoordinateReferenceSystem> crs() {
        return Optional.ofNullable(crs);
    }

    /** Pixel corner (column, row) to CRS coordinates; empty for a plain TIFF. */
    public Optional<AffineTransform> pixelToCrs() {
        return pixelToCrs == null ? Optional.empty() : Optional.of(new AffineTransform(pixelToCrs));
    }

    /**
     * The ground sample distance at the scene's centre, in metres per pixel: the geometric mean of
     * the ground lengths of one pixel's two sides (great-circle distances on the WGS 84 authalic
     * sphere, so it holds for projected and geographic CRSs alike); empty for a plain TIFF or a CRS
     * that cannot be converted to WGS 84.
     */
    public OptionalDouble groundSampleDistance() {
        if (crs == null) {
            return OptionalDouble.empty();
        }
        try {
            MathTransform toLonLat = CRS.findOperation(crs, CommonCRS.WGS84.normalizedGeographic(), null).getMathTransform();
            double cx = width / 2.0;
            double cy = height / 2.0;
            double[] p = {cx, cy, cx + 1, cy, cx, cy + 1};
            pixelToCrs.transform(p, 0, p, 0, 3);
            toLonLat.transform(p, 0, p, 0, 3);
            double along = Areas.distance(p[0], p[1], p[2], p[3]);
            double down = Areas.distance(p[0], p[1], p[4], p[5]);
            double gsd = Math.sqrt(along * down);
            return gsd > 0 && Double.isFinite(gsd) ? OptionalDouble.of(gsd) : OptionalDouble.empty();
        } catch (FactoryException | TransformException | RuntimeException e) {
            LOG.debug("{}: no ground sample distance: {}", file, oneLine(e));
            return OptionalDouble.empty();
        }
    }

    /** The TIFF directory (for writing masks on the same grid). */
    public TiffDirectory directory() {
        return directory;
    }

    /**
     * Reads a window: one row-major array of {@code w * h} samples per requested band (0-based
     * band indices; repeats allowed). Only the strips or tiles the window touches are read.
     */
    public float[][] read(int x, int y, int w, int h, int[] bandIndices) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
            throw new IllegalArgumentException("window " + x + "," + y + " " + w + "x" + h + " is outside the scene "
                    + width + "x" + height);
        }
        int[] unique = checkBands(bandIndices);
        try {
            GridExtent extent = new GridExtent(null, new long[] {x, y}, new long[] {x + w, y + h}, false);
            GridCoverage coverage = resource.read(grid.derive().subgrid(extent).build(), unique);
            RenderedImage image = coverage.render(extent);
            // SIS numbers the rendered image's pixels from the window's corner
            Raster raster = image.getData(new Rectangle(0, 0, w, h));
            float[][] out = new float[bandIndices.length][];
            for (int i = 0; i < bandIndices.length; i++) {
                int band = Arrays.binarySearch(unique, bandIndices[i]);
                out[i] = raster.getSamples(0, 0, w, h, band, new float[w * h]);
            }
            return out;
        } catch (DataStoreException | RuntimeException e) {
            if (e instanceof InvalidInputException i) {
                throw i;
            }
            throw new InvalidInputException(file + ": window " + x + "," + y + " " + w + "x" + h + " cannot be read: "
                    + oneLine(e), e);
        }
    }

    /**
     * The sizes ({width, height}) of the scene's reduced-resolution images, e.g. a Cloud-Optimized
     * GeoTIFF's overviews, finest first; empty when it has none. Overview {@code i} of this list is
     * level {@code i + 1} of {@link #readOverview}.
     */
    public List<int[]> overviews() {
        try {
            List<double[]> resolutions = resource.getResolutions();
            List<int[]> sizes = new ArrayList<>();
            for (int level = 1; level < resolutions.size(); level++) {
                double[] scale = scale(resolutions, level);
                sizes.add(new int[] {(int) Math.ceil(width / scale[0] - 1e-9), (int) Math.ceil(height / scale[1] - 1e-9)});
            }
            return sizes;
        } catch (DataStoreException | RuntimeException e) {
            LOG.debug("{}: no overviews: {}", file, oneLine(e));
            return List.of();
        }
    }

    /** How many full-resolution pixels one pixel of {@code level} spans, per axis. */
    private static double[] scale(List<double[]> resolutions, int level) {
        double[] base = resolutions.get(0);
        double[] r = resolutions.get(level);
        return new double[] {r[0] / base[0], r[1] / base[1]};
    }

    /**
     * Reads the whole of overview {@code level} (1: the first overview of {@link #overviews}): one
     * row-major array per requested band (0-based indices; repeats allowed), of the overview's
     * width x height. Apache SIS picks the stored reduced-resolution image; nothing is resampled.
     */
    public float[][] readOverview(int level, int[] bandIndices) {
        int[] unique = checkBands(bandIndices);
        try {
            List<double[]> resolutions = resource.getResolutions();
            if (level < 1 || level >= resolutions.size()) {
                throw new IllegalArgumentException(file + " has no overview " + level + " (it has "
                        + (resolutions.size() - 1) + ")");
            }
            double[] scale = scale(resolutions, level);
            // a subsampling as coarse as the level's resolution: SIS then reads that level's own image
            long[] subsampling = {(long) Math.ceil(scale[0] - 1e-9), (long) Math.ceil(scale[1] - 1e-9)};
            GridCoverage coverage = resource.read(grid.derive().subgrid((GridExtent) null, subsampling).build(), unique);
            RenderedImage image = coverage.render(null);
            Raster raster = image.getData();
            int w = raster.getWidth();
            int h = raster.getHeight();
            float[][] out = new float[bandIndices.length][];
            for (int i = 0; i < bandIndices.length; i++) {
                int band = Arrays.binarySearch(unique, bandIndices[i]);
                out[i] = raster.getSamples(raster.getMinX(), raster.getMinY(), w, h, band, new float[w * h]);
            }
            return out;
        } catch (DataStoreException | RuntimeException e) {
            if (e instanceof InvalidInputException || e instanceof IllegalArgumentException) {
                throw (RuntimeException) e;
            }
            throw new InvalidInputException(file + ": overview " + level + " cannot be read: " + oneLine(e), e);
        }
    }

    private int[] checkBands(int[] bandIndices) {
        int[] unique = Arrays.stream(bandIndices).distinct().sorted().toArray();
        for (int b : unique) {
            if (b < 0 || b >= bands) {
                throw new InvalidInputException(file + " has " + bands + " band" + (bands == 1 ? "" : "s")
                        + "; band " + (b + 1) + " does not exist (bands are numbered 1.." + bands + ")");
            }
        }
        return unique;
    }

    @Override
    public void close() {
        try {
            store.close();
        } catch (DataStoreException e) {
            throw new SegEarthException(file + " could not be closed: " + e.getMessage(), e);
        }
    }
}
