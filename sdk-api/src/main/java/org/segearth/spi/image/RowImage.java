package org.segearth.spi.image;

import java.awt.Point;
import java.awt.Rectangle;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DirectColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import java.util.Vector;
import org.segearth.api.SegEarthException;

/**
 * An 8-bit RGB or gray image whose rows are made when asked for, one row a tile, so that an
 * encoder that reads it row by row (the JDK's PNG writer asks for one row at a time) never holds
 * the whole picture: an 8000 x 8000 overlay costs a row of ints instead of 256 MB. The RGB kind
 * has the layout of {@code BufferedImage.TYPE_INT_RGB}, the gray one that of
 * {@code TYPE_BYTE_GRAY}, so that a PNG of either is the PNG of the corresponding
 * {@link java.awt.image.BufferedImage}.
 *
 * <pre>{@code
 * RenderedImage picture = RowImage.gray(width, height, (y, row) -> Arrays.fill(row, y % 256));
 * ImageIO.write(picture, "png", file);
 * }</pre>
 */
public final class RowImage implements RenderedImage {

    /** Fills a row of the picture. */
    @FunctionalInterface
    public interface Rows {
        /**
         * Writes row {@code y}'s {@code width} pixels into {@code pixels}: {@code 0xRRGGBB} for an RGB
         * image, 0..255 for a gray one.
         */
        void row(int y, int[] pixels);
    }

    private static final DirectColorModel RGB = new DirectColorModel(24, 0xFF0000, 0xFF00, 0xFF);
    private static final ComponentColorModel GRAY = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY),
            new int[] {8}, false, true, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);

    private final int width;
    private final int height;
    private final boolean gray;
    private final Rows rows;
    private final int[] row;
    private int rowY = -1;
    private WritableRaster rowRaster;

    private RowImage(int width, int height, boolean gray, Rows rows) {
        if (width < 1 || height < 1) {
            throw new SegEarthException("image size " + width + "x" + height + " is empty; both sides must be >= 1");
        }
        this.width = width;
        this.height = height;
        this.gray = gray;
        this.rows = rows;
        this.row = new int[width];
    }

    /** An RGB image ({@code TYPE_INT_RGB}'s layout) whose rows {@code rows} gives as {@code 0xRRGGBB}. */
    public static RowImage rgb(int width, int height, Rows rows) {
        return new RowImage(width, height, false, rows);
    }

    /** An 8-bit gray image ({@code TYPE_BYTE_GRAY}'s layout) whose rows {@code rows} gives as 0..255. */
    public static RowImage gray(int width, int height, Rows rows) {
        return new RowImage(width, height, true, rows);
    }

    private SampleModel sampleModel(int w, int h) {
        return gray ? new PixelInterleavedSampleModel(DataBuffer.TYPE_BYTE, w, h, 1, w, new int[] {0})
                : new SinglePixelPackedSampleModel(DataBuffer.TYPE_INT, w, h, RGB.getMasks());
    }

    /**
     * The asked part of the image. A whole row comes in one raster that is reused (moved to the
     * row) by the next whole-row request: encoders that read row by row, as the PNG writer does,
     * read it before they ask for the next, and an 8000-pixel picture then makes no garbage per row.
     * Any other rectangle gets a raster of its own.
     */
    @Override
    public Raster getData(Rectangle rect) {
        if (rect.x == 0 && rect.width == width && rect.height == 1 && rect.y >= 0 && rect.y < height) {
            synchronized (this) {
                if (rowRaster == null) {
                    rowRaster = Raster.createWritableRaster(sampleModel(width, 1), new Point(0, 0));
                }
                fill(rect.y);
                put(rowRaster, 0, 0, width, row);
                return rowRaster.createTranslatedChild(0, rect.y);
            }
        }
        Rectangle r = rect.intersection(new Rectangle(0, 0, width, height));
        WritableRaster out = Raster.createWritableRaster(sampleModel(Math.max(1, r.width), Math.max(1, r.height)),
                new Point(r.x, r.y));
        for (int y = r.y; y < r.y + r.height; y++) {
            synchronized (this) {
                fill(y);
                put(out, r.x, y, r.width, r.x == 0 && r.width == width ? row : Arrays.copyOfRange(row, r.x,
                        r.x + r.width));
            }
        }
        return out;
    }

    /** Makes row {@code y} in {@code row} unless it is there already. */
    private void fill(int y) {
        if (rowY != y) {
            rows.row(y, row);
            rowY = y;
        }
    }

    private void put(WritableRaster out, int x, int y, int w, int[] pixels) {
        if (gray) {
            out.setPixels(x, y, w, 1, pixels);
        } else {
            out.setDataElements(x, y, w, 1, pixels);
        }
    }

    @Override
    public Raster getData() {
        return getData(getBounds());
    }

    private Rectangle getBounds() {
        return new Rectangle(0, 0, width, height);
    }

    @Override
    public WritableRaster copyData(WritableRaster raster) {
        WritableRaster out = raster != null ? raster
                : Raster.createWritableRaster(sampleModel(width, height), new Point(0, 0));
        Rectangle r = out.getBounds().intersection(getBounds());
        for (int y = r.y; y < r.y + r.height; y++) {
            out.setRect(getData(new Rectangle(r.x, y, r.width, 1)));
        }
        return out;
    }

    @Override
    public Raster getTile(int tileX, int tileY) {
        return getData(new Rectangle(0, tileY, width, 1));
    }

    @Override
    public Vector<RenderedImage> getSources() {
        return null;
    }

    @Override
    public Object getProperty(String name) {
        return java.awt.Image.UndefinedProperty;
    }

    @Override
    public String[] getPropertyNames() {
        return null;
    }

    @Override
    public ColorModel getColorModel() {
        return gray ? GRAY : RGB;
    }

    @Override
    public SampleModel getSampleModel() {
        return sampleModel(width, 1);
    }

    @Override
    public int getWidth() {
        return width;
    }

    @Override
    public int getHeight() {
        return height;
    }

    @Override
    public int getMinX() {
        return 0;
    }

    @Override
    public int getMinY() {
        return 0;
    }

    @Override
    public int getNumXTiles() {
        return 1;
    }

    @Override
    public int getNumYTiles() {
        return height;
    }

    @Override
    public int getMinTileX() {
        return 0;
    }

    @Override
    public int getMinTileY() {
        return 0;
    }

    @Override
    public int getTileWidth() {
        return width;
    }

    @Override
    public int getTileHeight() {
        return 1;
    }

    @Override
    public int getTileGridXOffset() {
        return 0;
    }

    @Override
    public int getTileGridYOffset() {
        return 0;
    }
}
