package org.segearth.runtime.image;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * A destination for readers of 8-bit images with alpha (RGBA, gray + alpha): it has the colour
 * bands and the alpha band, keeps the colour samples in an interleaved buffer of
 * {@code colours} bytes per pixel and drops alpha as it is written, so that an RGBA PNG decodes
 * into 3 bytes per pixel instead of 4 plus a converted copy. Only the integer write paths readers
 * use are supported; the others fail loudly rather than write alpha over colour.
 */
final class AlphaDroppingRaster extends WritableRaster {

    private final byte[] data;
    private final int colours;
    private final int stride;

    private AlphaDroppingRaster(ComponentSampleModel sm, DataBufferByte buffer, int colours) {
        super(sm, buffer, new Point(0, 0));
        this.data = buffer.getData();
        this.colours = colours;
        this.stride = sm.getScanlineStride();
    }

    /**
     * An image of {@code colours} colour bands plus alpha in colour space {@code cs} whose colour
     * samples land in the first {@code width * height * colours} bytes of {@code buffer}.
     */
    static BufferedImage image(byte[] buffer, int width, int height, int colours, ColorSpace cs) {
        int[] offsets = new int[colours + 1];
        for (int b = 0; b < colours; b++) {
            offsets[b] = b;
        }
        // the alpha band's offset is never used: every write goes through put()
        ComponentSampleModel sm = new ComponentSampleModel(DataBuffer.TYPE_BYTE, width, height, colours,
                width * colours, offsets);
        AlphaDroppingRaster raster = new AlphaDroppingRaster(sm,
                new DataBufferByte(buffer, width * height * colours), colours);
        ComponentColorModel cm = new ComponentColorModel(cs, true, false, Transparency.TRANSLUCENT,
                DataBuffer.TYPE_BYTE);
        return new BufferedImage(cm, raster, false, null);
    }

    private void put(int x, int y, int band, int value) {
        if (band < colours) {
            data[(y - minY) * stride + (x - minX) * colours + band] = (byte) value;
        }
    }

    @Override
    public void setPixel(int x, int y, int[] pixel) {
        for (int b = 0; b < colours; b++) {
            put(x, y, b, pixel[b]);
        }
    }

    @Override
    public void setPixels(int x, int y, int w, int h, int[] pixels) {
        int bands = colours + 1;
        int i = 0;
        for (int yy = y; yy < y + h; yy++) {
            for (int xx = x; xx < x + w; xx++) {
                for (int b = 0; b < colours; b++) {
                    put(xx, yy, b, pixels[i + b]);
                }
                i += bands;
            }
        }
    }

    @Override
    public void setSample(int x, int y, int b, int s) {
        put(x, y, b, s);
    }

    @Override
    public void setSamples(int x, int y, int w, int h, int b, int[] samples) {
        int i = 0;
        for (int yy = y; yy < y + h; yy++) {
            for (int xx = x; xx < x + w; xx++) {
                put(xx, yy, b, samples[i++]);
            }
        }
    }

    @Override
    public void setDataElements(int x, int y, Object pixel) {
        byte[] p = (byte[]) pixel;
        for (int b = 0; b < colours; b++) {
            put(x, y, b, p[b]);
        }
    }

    @Override
    public void setDataElements(int x, int y, int w, int h, Object pixels) {
        byte[] p = (byte[]) pixels;
        int bands = colours + 1;
        int i = 0;
        for (int yy = y; yy < y + h; yy++) {
            for (int xx = x; xx < x + w; xx++) {
                for (int b = 0; b < colours; b++) {
                    put(xx, yy, b, p[i + b]);
                }
                i += bands;
            }
        }
    }

    @Override
    public void setRect(int dx, int dy, Raster src) {
        int w = src.getWidth();
        int[] row = new int[w * src.getNumBands()];
        for (int y = 0; y < src.getHeight(); y++) {
            src.getPixels(src.getMinX(), src.getMinY() + y, w, 1, row);
            setPixels(src.getMinX() + dx, src.getMinY() + dy + y, w, 1, row);
        }
    }

    @Override
    public void setDataElements(int x, int y, Raster in) {
        setRect(x, y, in);
    }

    @Override
    public void setPixel(int x, int y, float[] pixel) {
        throw unsupported();
    }

    @Override
    public void setPixel(int x, int y, double[] pixel) {
        throw unsupported();
    }

    @Override
    public void setPixels(int x, int y, int w, int h, float[] pixels) {
        throw unsupported();
    }

    @Override
    public void setPixels(int x, int y, int w, int h, double[] pixels) {
        throw unsupported();
    }

    @Override
    public void setSample(int x, int y, int b, float s) {
        throw unsupported();
    }

    @Override
    public void setSample(int x, int y, int b, double s) {
        throw unsupported();
    }

    @Override
    public void setSamples(int x, int y, int w, int h, int b, float[] samples) {
        throw unsupported();
    }

    @Override
    public void setSamples(int x, int y, int w, int h, int b, double[] samples) {
        throw unsupported();
    }

    @Override
    public WritableRaster createWritableChild(int x, int y, int w, int h, int childX, int childY, int[] bands) {
        throw unsupported();
    }

    private static UnsupportedOperationException unsupported() {
        return new UnsupportedOperationException("the alpha-dropping decode buffer takes integer samples only");
    }
}
