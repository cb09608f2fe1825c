package org.segearth.runtime.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.segearth.api.Mask;
import org.segearth.api.Rle;
import org.segearth.api.SegEarthException;

/**
 * COCO segmentations, computed exactly as pycocotools does: polygons rasterised like
 * {@code rleFrPoly} (the boundary upsampled by 5, walked along x or y, downsampled at pixel
 * centres) and the run-length encodings of {@link Rle} (compressed string or uncompressed counts).
 *
 * <pre>{@code
 * Mask square = CocoMasks.fromPolygons(List.of(new double[] {1, 1, 3, 1, 3, 3, 1, 3}), 5, 5);
 * Mask any = CocoMasks.fromJson(annotation.get("segmentation"), height, width);
 * }</pre>
 */
public final class CocoMasks {

    private static final double SCALE = 5;

    private CocoMasks() {}

    /**
     * The RLE of one polygon {@code [x0, y0, x1, y1, ...]} on an image of {@code h x w}:
     * pycocotools' {@code rleFrPoly}, step for step.
     */
    public static Rle polygonToRle(double[] xy, int h, int w) {
        int k = xy.length / 2;
        if (k == 0) {
            return new Rle(h, w, new int[] {h * w});
        }
        int[] x = new int[k + 1];
        int[] y = new int[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (int) (SCALE * xy[j * 2] + .5);
            y[j] = (int) (SCALE * xy[j * 2 + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        int m = 0;
        for (int j = 0; j < k; j++) {
            m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        int[] u = new int[m];
        int[] v = new int[m];
        m = 0;
        for (int j = 0; j < k; j++) {
            int xs = x[j];
            int xe = x[j + 1];
            int ys = y[j];
            int ye = y[j + 1];
            int dx = Math.abs(xe - xs);
            int dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                int t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            if (dx >= dy) {
                for (int d = 0; d <= dx; d++) {
                    int t = flip ? dx - d : d;
                    u[m] = t + xs;
                    v[m] = (int) (ys + s * t + .5);
                    m++;
                }
            } else {
                for (int d = 0; d <= dy; d++) {
                    int t = flip ? dy - d : d;
                    v[m] = t + ys;
                    u[m] = (int) (xs + s * t + .5);
                    m++;
                }
            }
        }
        // points along the y-boundary, downsampled
        int n = m;
        int[] bx = new int[n];
        int[] by = new int[n];
        m = 0;
        for (int j = 1; j < n; j++) {
            if (u[j] != u[j - 1]) {
                double xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
                xd = (xd + .5) / SCALE - .5;
                if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
                    continue;
                }
                double yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
                yd = (yd + .5) / SCALE - .5;
                if (yd < 0) {
                    yd = 0;
                } else if (yd > h) {
                    yd = h;
                }
                yd = Math.ceil(yd);
                bx[m] = (int) xd;
                by[m] = (int) yd;
                m++;
            }
        }
        // run lengths from the boundary points
        long[] a = new long[m + 1];
        for (int j = 0; j < m; j++) {
            a[j] = (long) bx[j] * h + by[j];
        }
        a[m] = (long) h * w;
        int total = m + 1;
        Arrays.sort(a, 0, total);
        long p = 0;
        for (int j = 0; j < total; j++) {
            long t = a[j];
            a[j] -= p;
            p = t;
        }
        int[] b = new int[total];
        int j = 0;
        int out = 0;
        b[out++] = (int) a[j++];
        while (j < total) {
            if (a[j] > 0) {
                b[out++] = (int) a[j++];
            } else {
                j++;
                if (j < total) {
                    b[out - 1] += (int) a[j++];
                }
            }
        }
        return new Rle(h, w, Arrays.copyOf(b, out));
    }

    /** The union of the polygons (one object in several parts), as pycocotools' {@code annToRLE}. */
    public static Mask fromPolygons(List<double[]> polygons, int h, int w) {
        Mask union = Mask.empty(w, h);
        for (double[] polygon : polygons) {
            union = union.or(polygonToRle(polygon, h, w).toMask());
        }
        return union;
    }

    /**
     * Decodes a COCO {@code segmentation} value: a list of polygons, an uncompressed RLE
     * ({@code {"size": [h, w], "counts": [..]}}) or a compressed one ({@code "counts": "..."}).
     * {@code h} and {@code w} are the image size, needed for polygons and checked against an RLE's
     * size (pass -1 to accept the RLE's own).
     */
    public static Mask fromJson(JsonElement segmentation, int h, int w) {
        if (segmentation == null || segmentation.isJsonNull()) {
            throw new SegEarthException("segmentation is missing");
        }
        if (segmentation.isJsonArray()) {
            if (h < 0 || w < 0) {
                throw new SegEarthException("a polygon segmentation needs the image size; none is known");
            }
            List<double[]> polygons = new ArrayList<>();
            for (JsonElement e : segmentation.getAsJsonArray()) {
                if (!e.isJsonArray()) {
                    throw new SegEarthException("polygon segmentation holds " + e + "; expected lists of x, y numbers");
                }
                JsonArray coords = e.getAsJsonArray();
                double[] xy = new double[coords.size()];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = coords.get(i).getAsDouble();
                }
                polygons.add(xy);
            }
            return fromPolygons(polygons, h, w);
        }
        if (!segmentation.isJsonObject()) {
            throw new SegEarthException("segmentation " + abbreviate(segmentation)
                    + " is neither a polygon list nor an RLE object");
        }
        return rleFromJson(segmentation.getAsJsonObject(), h, w).toMask();
    }

    /** Reads an RLE object {@code {"size": [h, w], "counts": "..." | [..]}}. */
    public static Rle rleFromJson(JsonObject rle, int h, int w) {
        JsonElement size = rle.get("size");
        JsonElement counts = rle.get("counts");
        if (size == null || !size.isJsonArray() || size.getAsJsonArray().size() != 2 || counts == null) {
            throw new SegEarthException("RLE " + abbreviate(rle) + " lacks \"size\": [h, w] or \"counts\"");
        }
        int rh = size.getAsJsonArray().get(0).getAsInt();
        int rw = size.getAsJsonArray().get(1).getAsInt();
        if ((h >= 0 && rh != h) || (w >= 0 && rw != w)) {
            throw new SegEarthException("RLE size [" + rh + ", " + rw + "] differs from the image's [" + h + ", " + w + "]");
        }
        if (counts.isJsonPrimitive() && counts.getAsJsonPrimitive().isString()) {
            return Rle.fromCompressedString(counts.getAsString(), rh, rw);
        }
        if (counts.isJsonArray()) {
            JsonArray list = counts.getAsJsonArray();
            int[] c = new int[list.size()];
            for (int i = 0; i < c.length; i++) {
                c[i] = list.get(i).getAsInt();
            }
            return new Rle(rh, rw, c);
        }
        throw new SegEarthException("RLE counts " + abbreviate(counts) + " are neither a string nor a list");
    }

    /** The JSON object pycocotools writes: {@code {"size": [h, w], "counts": "<compressed>"}}. */
    public static JsonObject toJson(Rle rle) {
        JsonObject o = new JsonObject();
        JsonArray size = new JsonArray();
        size.add(rle.height());
        size.add(rle.width());
        o.add("size", size);
        o.addProperty("counts", rle.toCompressedString());
        return o;
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
