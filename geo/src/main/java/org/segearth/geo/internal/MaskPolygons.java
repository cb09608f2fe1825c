package org.segearth.geo.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.operation.union.UnaryUnionOp;

/**
 * Polygons of a mask given row by row (pixel coordinates: x right, y down, pixel edges on
 * integers). Runs of equal extent in consecutive rows become rectangles; the rectangles of each
 * chunk of rows are unioned when the chunk ends, the chunks' polygons once at the end. Memory
 * holds polygons, not pixels. Holes are kept; the union of pixel-aligned rectangles is valid.
 */
public final class MaskPolygons {

    private final GeometryFactory factory;
    private final Map<Long, Integer> open = new HashMap<>(); // run (x0 << 32 | x1) -> first row
    private final List<Geometry> chunk = new ArrayList<>();
    private final List<Geometry> parts = new ArrayList<>();
    private int row;

    public MaskPolygons(GeometryFactory factory) {
        this.factory = factory;
    }

    /** Adds the next row ({@code width} bytes at {@code offset}, non-zero = foreground) at scene row {@code y}. */
    public void addRow(int y, byte[] data, int offset, int width) {
        Map<Long, Boolean> runs = new HashMap<>();
        int x = 0;
        while (x < width) {
            if (data[offset + x] == 0) {
                x++;
                continue;
            }
            int x0 = x;
            while (x < width && data[offset + x] != 0) {
                x++;
            }
            runs.put(((long) x0 << 32) | x, Boolean.TRUE);
        }
        for (Iterator<Map.Entry<Long, Integer>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Integer> e = it.next();
            if (!runs.containsKey(e.getKey())) {
                chunk.add(rectangle(e.getKey(), e.getValue(), y));
                it.remove();
            }
        }
        for (Long run : runs.keySet()) {
            open.putIfAbsent(run, y);
        }
        row = y + 1;
    }

    private Polygon rectangle(long run, int y0, int y1) {
        int x0 = (int) (run >>> 32);
        int x1 = (int) run;
        return factory.createPolygon(new Coordinate[] {new Coordinate(x0, y0), new Coordinate(x1, y0),
            new Coordinate(x1, y1), new Coordinate(x0, y1), new Coordinate(x0, y0)});
    }

    /** Closes the rectangles open at the current row and unions the chunk. */
    public void endChunk() {
        for (Map.Entry<Long, Integer> e : open.entrySet()) {
            chunk.add(rectangle(e.getKey(), e.getValue(), row));
        }
        open.clear();
        if (!chunk.isEmpty()) {
            parts.add(UnaryUnionOp.union(chunk));
            chunk.clear();
        }
    }

    /** The mask's polygons (each with its holes), in pixel coordinates. */
    public List<Polygon> polygons() {
        endChunk();
        List<Polygon> out = new ArrayList<>();
        if (parts.isEmpty()) {
            return out;
        }
        Geometry all = UnaryUnionOp.union(parts);
        for (int i = 0; i < all.getNumGeometries(); i++) {
            if (all.getGeometryN(i) instanceof Polygon p && !p.isEmpty()) {
                out.add(p);
            }
        }
        return out;
    }
}
