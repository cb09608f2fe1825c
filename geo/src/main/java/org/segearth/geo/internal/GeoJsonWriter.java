package org.segearth.geo.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.locationtech.jts.algorithm.Orientation;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.LinearRing;
import org.locationtech.jts.geom.Polygon;

/**
 * A GeoJSON FeatureCollection of polygons written feature by feature: exterior rings
 * counter-clockwise and holes clockwise (RFC 7946), one feature per polygon with the target's
 * phrase, score, index and the polygon's area. Hand-written: a few lines, no JSON library needed.
 */
public final class GeoJsonWriter implements AutoCloseable {

    private final Writer out;
    private final String coordinateFormat;
    private boolean first = true;

    /**
     * @param crsName a {@code crs} member's name (GDAL reads it) for a file in a native CRS; null for RFC 7946
     * @param decimals digits kept after the decimal point
     */
    public GeoJsonWriter(Path file, String crsName, int decimals) throws IOException {
        this(Files.newBufferedWriter(file, StandardCharsets.UTF_8), crsName, decimals);
    }

    /** The same into {@code out} (e.g. a {@link java.io.StringWriter}), which {@link #close()} closes. */
    public GeoJsonWriter(Writer out, String crsName, int decimals) throws IOException {
        this.out = out;
        this.coordinateFormat = "[%." + decimals + "f,%." + decimals + "f]";
        out.write("{\"type\":\"FeatureCollection\",");
        if (crsName != null) {
            out.write("\"crs\":{\"type\":\"name\",\"properties\":{\"name\":" + quote(crsName) + "}},");
        }
        out.write("\"features\":[\n");
    }

    /** One polygon feature. */
    public void polygon(Polygon p, String phrase, double score, int target, double areaSquareMetres) throws IOException {
        StringBuilder b = new StringBuilder(256);
        b.append(first ? "" : ",\n");
        first = false;
        b.append("{\"type\":\"Feature\",\"properties\":{\"phrase\":").append(quote(phrase))
                .append(",\"score\":").append(String.format(Locale.ROOT, "%.4f", score))
                .append(",\"target\":").append(target)
                .append(",\"area_m2\":").append(Double.isNaN(areaSquareMetres) ? "null"
                        : String.format(Locale.ROOT, "%.2f", areaSquareMetres))
                .append("},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[");
        ring(b, p.getExteriorRing(), true);
        for (int i = 0; i < p.getNumInteriorRing(); i++) {
            b.append(',');
            ring(b, p.getInteriorRingN(i), false);
        }
        b.append("]}}");
        out.write(b.toString());
    }

    private void ring(StringBuilder b, LinearRing ring, boolean counterClockwise) {
        Coordinate[] c = ring.getCoordinates();
        boolean reverse = Orientation.isCCW(c) != counterClockwise;
        b.append('[');
        for (int i = 0; i < c.length; i++) {
            Coordinate p = c[reverse ? c.length - 1 - i : i];
            b.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, coordinateFormat, p.x, p.y));
        }
        b.append(']');
    }

    /** {@code s} as a JSON string. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public void close() throws IOException {
        out.write("\n]}\n");
        out.close();
    }
}
