package org.segearth.geo.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import org.segearth.api.SegEarthException;

/**
 * Writes a one-band 8-bit GeoTIFF row by row, in Deflate-compressed strips, with the GeoTIFF
 * tags of the scene copied verbatim (so grid, transform and CRS are the input's, byte for byte).
 * Memory is one strip. Layout: header, strips, then the directory (TIFF allows it anywhere).
 * Hand-written: Apache SIS 1.6 writes GeoTIFF from a whole {@code RenderedImage}, not row by row.
 */
public final class GeoTiffMaskWriter implements AutoCloseable {

    private static final int ROWS_PER_STRIP = 16;

    private final FileChannel ch;
    private final Path file;
    private final int width;
    private final int height;
    private final TiffDirectory geo;
    private final byte[] strip;
    private final byte[] deflated;
    private final Deflater deflater = new Deflater(6);
    private final List<long[]> strips = new ArrayList<>(); // offset, byte count
    private int rowsInStrip;
    private int rowsWritten;
    private long position = 8;

    /**
     * @param file where to write (a temporary file; the caller moves it into place)
     * @param geo the scene's directory whose GeoTIFF tags are copied (null: none)
     */
    public GeoTiffMaskWriter(Path file, int width, int height, TiffDirectory geo) throws IOException {
        this.file = file;
        this.width = width;
        this.height = height;
        this.geo = geo;
        this.strip = new byte[width * ROWS_PER_STRIP];
        this.deflated = new byte[strip.length + strip.length / 100 + 64];
        this.ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }

    /** Rows written so far. */
    public int rowsWritten() {
        return rowsWritten;
    }

    /** Appends {@code rows} rows of {@code width} bytes from {@code data} at {@code offset}. */
    public void writeRows(byte[] data, int offset, int rows) throws IOException {
        for (int r = 0; r < rows; r++) {
            System.arraycopy(data, offset + r * width, strip, rowsInStrip * width, width);
            rowsInStrip++;
            rowsWritten++;
            if (rowsInStrip == ROWS_PER_STRIP || rowsWritten == height) {
                flushStrip();
            }
        }
    }

    /** Appends {@code rows} rows of zeros. */
    public void writeZeroRows(int rows) throws IOException {
        byte[] zero = new byte[width];
        for (int r = 0; r < rows; r++) {
            writeRows(zero, 0, 1);
        }
    }

    private void flushStrip() throws IOException {
        int n = rowsInStrip * width;
        deflater.reset();
        deflater.setInput(strip, 0, n);
        deflater.finish();
        int len = 0;
        byte[] out = deflated;
        while (!deflater.finished()) {
            if (len == out.length) {
                out = java.util.Arrays.copyOf(out, out.length * 2);
            }
            len += deflater.deflate(out, len, out.length - len);
        }
        ch.write(ByteBuffer.wrap(out, 0, len), position);
        strips.add(new long[] {position, len});
        position += len;
        rowsInStrip = 0;
        java.util.Arrays.fill(strip, (byte) 0);
    }

    /** Pads missing rows with zeros and writes the directory. */
    public void finish() throws IOException {
        if (rowsWritten < height) {
            writeZeroRows(height - rowsWritten);
        }
        if (position > 0xFFFF_FFF0L) {
            throw new SegEarthException(file + ": the mask exceeds 4 GB compressed; classic TIFF cannot hold it");
        }
        List<Entry> entries = new ArrayList<>();
        entries.add(Entry.numbers(256, 4, width));
        entries.add(Entry.numbers(257, 4, height));
        entries.add(Entry.numbers(258, 3, 8));
        entries.add(Entry.numbers(259, 3, 8)); // Adobe Deflate
        entries.add(Entry.numbers(262, 3, 1)); // BlackIsZero
        entries.add(Entry.numbers(273, 4, strips.stream().mapToDouble(s -> s[0]).toArray()));
        entries.add(Entry.numbers(277, 3, 1));
        entries.add(Entry.numbers(278, 4, ROWS_PER_STRIP));
        entries.add(Entry.numbers(279, 4, strips.stream().mapToDouble(s -> s[1]).toArray()));
        entries.add(Entry.numbers(284, 3, 1));
        entries.add(Entry.numbers(339, 3, 1));
        if (geo != null) {
            for (int tag : TiffDirectory.GEO_TAGS) {
                geo.field(tag).ifPresent(f -> entries.add(f.text() != null ? Entry.text(tag, f.text())
                        : Entry.numbers(tag, f.type() == 3 ? 3 : 12, f.numbers())));
            }
        }
        entries.sort((a, b) -> Integer.compare(a.tag, b.tag));
        long ifd = position + (position & 1);
        long data = ifd + 2 + 12L * entries.size() + 4;
        ByteBuffer dir = ByteBuffer.allocate(2 + 12 * entries.size() + 4).order(ByteOrder.LITTLE_ENDIAN);
        dir.putShort((short) entries.size());
        List<ByteBuffer> extra = new ArrayList<>();
        for (Entry e : entries) {
            dir.putShort((short) e.tag).putShort((short) e.type).putInt(e.count);
            if (e.bytes.length <= 4) {
                byte[] four = new byte[4];
                System.arraycopy(e.bytes, 0, four, 0, e.bytes.length);
                dir.put(four);
            } else {
                dir.putInt((int) data);
                extra.add(ByteBuffer.wrap(e.bytes));
                data += e.bytes.length + (e.bytes.length & 1);
                if ((e.bytes.length & 1) == 1) {
                    extra.add(ByteBuffer.wrap(new byte[1]));
                }
            }
        }
        dir.putInt(0).flip();
        long at = ifd;
        at += ch.write(dir, at);
        for (ByteBuffer b : extra) {
            at += ch.write(b, at);
        }
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt((int) ifd).flip();
        ch.write(header, 0);
        ch.force(true);
    }

    @Override
    public void close() throws IOException {
        deflater.end();
        ch.close();
    }

    private record Entry(int tag, int type, int count, byte[] bytes) {
        static Entry numbers(int tag, int type, double... values) {
            int size = type == 3 ? 2 : type == 4 ? 4 : 8;
            ByteBuffer b = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
            for (double v : values) {
                switch (type) {
                    case 3 -> b.putShort((short) v);
                    case 4 -> b.putInt((int) (long) v);
                    default -> b.putDouble(v);
                }
            }
            return new Entry(tag, type, values.length, b.array());
        }

        static Entry text(int tag, String s) {
            byte[] b = s.endsWith("\0") ? s.getBytes(StandardCharsets.ISO_8859_1)
                    : (s + "\0").getBytes(StandardCharsets.ISO_8859_1);
            return new Entry(tag, 2, b.length, b);
        }
    }
}
