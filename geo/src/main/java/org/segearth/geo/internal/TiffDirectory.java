package org.segearth.geo.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.segearth.api.InvalidInputException;

/**
 * The first image file directory of a TIFF (classic or BigTIFF): the few tags that decide whether
 * we can read a scene (sample format, bits, bands, georeferencing, GDAL's nodata) and the GeoTIFF
 * tags that a mask written on the same grid copies verbatim. Pixels are read by Apache SIS; this
 * only reads the directory.
 */
public final class TiffDirectory {

    public static final int BITS_PER_SAMPLE = 258;
    public static final int COMPRESSION = 259;
    public static final int PHOTOMETRIC = 262;
    public static final int SAMPLES_PER_PIXEL = 277;
    public static final int SAMPLE_FORMAT = 339;
    public static final int MODEL_PIXEL_SCALE = 33550;
    public static final int MODEL_TIEPOINT = 33922;
    public static final int MODEL_TRANSFORMATION = 34264;
    public static final int GEO_KEY_DIRECTORY = 34735;
    public static final int GEO_DOUBLE_PARAMS = 34736;
    public static final int GEO_ASCII_PARAMS = 34737;
    public static final int GDAL_NODATA = 42113;

    /** The tags a mask on the same grid carries over. */
    public static final int[] GEO_TAGS = {MODEL_PIXEL_SCALE, MODEL_TIEPOINT, MODEL_TRANSFORMATION, GEO_KEY_DIRECTORY,
        GEO_DOUBLE_PARAMS, GEO_ASCII_PARAMS};

    /**
     * One tag's value.
     *
     * @param type the TIFF field type (3 SHORT, 4 LONG, 12 DOUBLE, 2 ASCII, ...)
     * @param numbers the values as doubles (for numeric types)
     * @param text the value (ASCII), else null
     */
    public record Field(int type, double[] numbers, String text) {}

    private final Map<Integer, Field> fields;

    private TiffDirectory(Map<Integer, Field> fields) {
        this.fields = fields;
    }

    /** Whether {@code file} starts like a TIFF (II* or MM*, classic or BigTIFF). */
    public static boolean isTiff(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4);
            ch.read(b, 0);
            byte[] m = b.array();
            boolean ii = m[0] == 'I' && m[1] == 'I' && (m[2] == 42 || m[2] == 43) && m[3] == 0;
            boolean mm = m[0] == 'M' && m[1] == 'M' && m[2] == 0 && (m[3] == 42 || m[3] == 43);
            return ii || mm;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the first directory of {@code file}. */
    public static TiffDirectory read(Path file) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = read(ch, 0, 16, ByteOrder.LITTLE_ENDIAN);
            ByteOrder order = head.get(0) == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            head.order(order);
            boolean big = head.getShort(2) == 43;
            long ifd = big ? head.getLong(8) : Integer.toUnsignedLong(head.getInt(4));
            ByteBuffer countBuf = read(ch, ifd, big ? 8 : 2, order);
            long count = big ? countBuf.getLong(0) : Short.toUnsignedInt(countBuf.getShort(0));
            if (count <= 0 || count > 4096) {
                throw new InvalidInputException(file + " is not a readable TIFF: its first directory has " + count + " entries");
            }
            int entrySize = big ? 20 : 12;
            ByteBuffer entries = read(ch, ifd + (big ? 8 : 2), (int) count * entrySize, order);
            Map<Integer, Field> fields = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                int at = i * entrySize;
                int tag = Short.toUnsignedInt(entries.getShort(at));
                int type = Short.toUnsignedInt(entries.getShort(at + 2));
                long n = big ? entries.getLong(at + 4) : Integer.toUnsignedLong(entries.getInt(at + 4));
                int size = typeSize(type);
                if (size == 0 || n > (1 << 20)) {
                    continue; // a type we do not need, or a huge array (strip offsets): SIS reads those
                }
                long bytes = n * size;
                ByteBuffer value;
                int inline = big ? 8 : 4;
                if (bytes <= inline) {
                    value = entries.duplicate().order(order);
                    value.position(at + (big ? 12 : 8));
                    value = value.slice().order(order);
                } else {
                    long offset = big ? entries.getLong(at + 12) : Integer.toUnsignedLong(entries.getInt(at + 8));
                    value = read(ch, offset, (int) bytes, order);
                }
                fields.put(tag, decode(type, (int) n, value));
            }
            return new TiffDirectory(fields);
        } catch (IOException e) {
            throw new InvalidInputException(file + " cannot be read as a TIFF: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer read(FileChannel ch, long at, int n, ByteOrder order) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(order);
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new IOException("the file ends inside its TIFF directory");
            }
        }
        return b.flip();
    }

    private static int typeSize(int type) {
        return switch (type) {
            case 1, 2, 6, 7 -> 1;
            case 3, 8 -> 2;
            case 4, 9, 11 -> 4;
            case 5, 10, 12, 16, 17 -> 8;
            default -> 0;
        };
    }

    private static Field decode(int type, int n, ByteBuffer v) {
        if (type == 2) {
            byte[] b = new byte[n];
            v.get(0, b);
            return new Field(type, new double[0], new String(b, StandardCharsets.ISO_8859_1));
        }
        double[] d = new double[type == 5 || type == 10 ? n : n];
        for (int i = 0; i < n; i++) {
            d[i] = switch (type) {
                case 1, 7 -> Byte.toUnsignedInt(v.get(i));
                case 6 -> v.get(i);
                case 3 -> Short.toUnsignedInt(v.getShort(i * 2));
                case 8 -> v.getShort(i * 2);
                case 4 -> Integer.toUnsignedLong(v.getInt(i * 4));
                case 9 -> v.getInt(i * 4);
                case 11 -> v.getFloat(i * 4);
                case 12 -> v.getDouble(i * 8);
                case 16, 17 -> v.getLong(i * 8);
                case 5 -> Integer.toUnsignedLong(v.getInt(i * 8)) / (double) Integer.toUnsignedLong(v.getInt(i * 8 + 4));
                case 10 -> v.getInt(i * 8) / (double) v.getInt(i * 8 + 4);
                default -> 0;
            };
        }
        return new Field(type, d, null);
    }

    /** The field of {@code tag}, if present. */
    public Optional<Field> field(int tag) {
        return Optional.ofNullable(fields.get(tag));
    }

    /** The first value of a numeric tag, or {@code otherwise}. */
    public double number(int tag, double otherwise) {
        Field f = fields.get(tag);
        return f == null || f.numbers().length == 0 ? otherwise : f.numbers()[0];
    }

    /** Whether the file places its grid on the Earth (a transform or tie point, and GeoKeys). */
    public boolean isGeoreferenced() {
        return (fields.containsKey(MODEL_TIEPOINT) || fields.containsKey(MODEL_TRANSFORMATION))
                && fields.containsKey(GEO_KEY_DIRECTORY);
    }

    /** GDAL's nodata value (tag 42113), if the file gives one. */
    public Optional<Double> gdalNodata() {
        Field f = fields.get(GDAL_NODATA);
        if (f == null || f.text() == null) {
            return Optional.empty();
        }
        String s = f.text().replace("\0", "").strip();
        try {
            return s.isEmpty() ? Optional.empty() : Optional.of(Double.parseDouble(s));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
