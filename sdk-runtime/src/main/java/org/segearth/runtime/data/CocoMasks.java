package org.segearth.runtime.data;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.Rle;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.image.ImageDecoder;

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

    /** The largest image (in pixels) a segmentation may describe: the image decoder's limit. */
    public static final long MAX_PIXELS = ImageDecoder.DEFAULT_MAX_PIXELS;
    /** Coordinates further than this from the origin are refused as absurd. */
    public static final double MAX_COORDINATE = 1e9;
    /** The most points (at 1/5 pixel) a polygon's boundary may have once clipped. */
    static final long MAX_BOUNDARY_POINTS = 1L << 28;
    /** The most pixel-column crossings the polygons of one segmentation may have. */
    static final int MAX_CROSSINGS = 1 << 23;

    private CocoMasks() {}

    /**
     * The RLE of one polygon {@code [x0, y0, x1, y1, ...]} on an image of {@code h x w}:
     * pycocotools' {@code rleFrPoly}, step for step. A polygon reaching far beyond the image
     * (more than the image's own size past an edge) is first clipped to that margin, which
     * changes nothing inside the image.
     *
     * @throws InvalidInputException when a coordinate is not finite or beyond {@link #MAX_COORDINATE},
     *     the image size is negative or beyond {@link #MAX_PIXELS}, or the boundary is absurdly long
     */
    public static Rle polygonToRle(double[] xy, int h, int w) {
        checkImageSize(h, w);
        checkCoordinates(xy, "polygon");
        long[] crossings = crossings(xy, h, w, new long[16], new int[1]);
        return fromBoundary(crossings, crossingCount(crossings), h, w);
    }

    /** The number of crossings {@link #crossings} left in the array's last slot. */
    private static int crossingCount(long[] a) {
        return (int) a[a.length - 1];
    }

    /**
     * The boundary points of pycocotools' {@code rleFrPoly} where the polygon crosses a pixel
     * column (as indices {@code x * h + y}), appended to {@code a} from {@code n[0]}; returns the
     * (possibly grown) array with the count in its last slot and in {@code n[0]}.
     */
    private static long[] crossings(double[] xy, int h, int w, long[] a, int[] n) {
        double[] poly = clipToMargin(Arrays.copyOf(xy, xy.length / 2 * 2), h, w);
        int k = poly.length / 2;
        if (k == 0) {
            return finish(a, n);
        }
        long[] x = new long[k + 1];
        long[] y = new long[k + 1];
        for (int j = 0; j < k; j++) {
            x[j] = (long) (SCALE * poly[j * 2] + .5);
            y[j] = (long) (SCALE * poly[j * 2 + 1] + .5);
        }
        x[k] = x[0];
        y[k] = y[0];
        long m = 0;
        for (int j = 0; j < k; j++) {
            m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
        }
        if (m > MAX_BOUNDARY_POINTS) {
            throw new InvalidInputException("polygon boundary is " + m / SCALE + " pixels long on a " + w + "x" + h
                    + " image; at most " + MAX_BOUNDARY_POINTS / SCALE + " are accepted");
        }
        // walk the upsampled boundary as pycocotools does, keeping the points where u changes
        boolean first = true;
        long pu = 0;
        long pv = 0;
        for (int j = 0; j < k; j++) {
            long xs = x[j];
            long xe = x[j + 1];
            long ys = y[j];
            long ye = y[j + 1];
            long dx = Math.abs(xe - xs);
            long dy = Math.abs(ys - ye);
            boolean flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
            if (flip) {
                long t = xs;
                xs = xe;
                xe = t;
                t = ys;
                ys = ye;
                ye = t;
            }
            double s = dx >= dy ? (double) (ye - ys) / dx : (double) (xe - xs) / dy;
            long steps = Math.max(dx, dy);
            for (long d = 0; d <= steps; d++) {
                long t = flip ? steps - d : d;
                long u;
                long v;
                if (dx >= dy) {
                    u = t + xs;
                    v = (long) (ys + s * t + .5);
                } else {
                    v = t + ys;
                    u = (long) (xs + s * t + .5);
                }
                if (!first && u != pu) {
                    long index = columnCrossing(u, v, pu, pv, h, w);
                    if (index >= 0) {
                        if (n[0] + 2 > a.length) {
                            if (n[0] >= MAX_CROSSINGS) {
                                throw new InvalidInputException("polygons cross the pixel columns of a " + w + "x"
                                        + h + " image more than " + MAX_CROSSINGS + " times");
                            }
                            a = Arrays.copyOf(a, (int) Math.min(2L * a.length, MAX_CROSSINGS + 2L));
                        }
                        a[n[0]++] = index;
                    }
                }
                pu = u;
                pv = v;
                first = false;
            }
        }
        return finish(a, n);
    }

    private static long[] finish(long[] a, int[] n) {
        if (n[0] + 1 > a.length - 1) {
            a = Arrays.copyOf(a, n[0] + 2);
        }
        a[a.length - 1] = n[0];
        return a;
    }

    /** The boundary index {@code x * h + y} of a step from (pu, pv) to (u, v), or -1. */
    private static long columnCrossing(long u, long v, long pu, long pv, int h, int w) {
        double xd = u < pu ? u : u - 1;
        xd = (xd + .5) / SCALE - .5;
        if (Math.floor(xd) != xd || xd < 0 || xd > w - 1) {
            return -1;
        }
        double yd = v < pv ? v : pv;
        yd = (yd + .5) / SCALE - .5;
        if (yd < 0) {
            yd = 0;
        } else if (yd > h) {
            yd = h;
        }
        yd = Math.ceil(yd);
        return (long) xd * h + (long) yd;
    }

    /** Run lengths from {@code n} boundary indices (pycocotools' final step); {@code a} is reused. */
    private static Rle fromBoundary(long[] a, int n, int h, int w) {
        a[n] = (long) h * w;
        int total = n + 1;
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

    /**
     * {@code xy} clipped (Sutherland-Hodgman) to the image extended by its own size on every side,
     * when it reaches beyond; unchanged otherwise, so that annotations near the image are
     * rasterised exactly as pycocotools does.
     */
    private static double[] clipToMargin(double[] xy, int h, int w) {
        double x0 = -(w + 1.0);
        double x1 = 2.0 * w + 1;
        double y0 = -(h + 1.0);
        double y1 = 2.0 * h + 1;
        boolean inside = true;
        for (int i = 0; i < xy.length && inside; i += 2) {
            inside = xy[i] >= x0 && xy[i] <= x1 && xy[i + 1] >= y0 && xy[i + 1] <= y1;
        }
        if (inside) {
            return xy;
        }
        double[] p = clip(xy, 0, x0, false);
        p = clip(p, 0, x1, true);
        p = clip(p, 1, y0, false);
        return clip(p, 1, y1, true);
    }

    /** One Sutherland-Hodgman step: keeps the side of {@code coordinate[axis] = bound} asked for. */
    private static double[] clip(double[] xy, int axis, double bound, boolean keepBelow) {
        int k = xy.length / 2;
        double[] out = new double[4 * k];
        int n = 0;
        for (int i = 0; i < k; i++) {
            int a = 2 * i;
            int b = 2 * ((i + 1) % k);
            boolean aIn = keepBelow ? xy[a + axis] <= bound : xy[a + axis] >= bound;
            boolean bIn = keepBelow ? xy[b + axis] <= bound : xy[b + axis] >= bound;
            if (aIn) {
                out[n++] = xy[a];
                out[n++] = xy[a + 1];
            }
            if (aIn != bIn) {
                double t = (bound - xy[a + axis]) / (xy[b + axis] - xy[a + axis]);
                int other = 1 - axis;
                double[] point = new double[2];
                point[axis] = bound;
                point[other] = xy[a + other] + t * (xy[b + other] - xy[a + other]);
                out[n++] = point[0];
                out[n++] = point[1];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /**
     * The union of the polygons (one object in several parts), as pycocotools' {@code annToRLE}
     * followed by {@code merge}: the runs of every part are united without a mask per part.
     */
    public static Mask fromPolygons(List<double[]> polygons, int h, int w) {
        checkImageSize(h, w);
        List<long[]> runs = new ArrayList<>(); // {start, end} in column-major order
        long crossings = 0;
        for (int i = 0; i < polygons.size(); i++) {
            checkCoordinates(polygons.get(i), "polygon " + i);
            long[] a = crossings(polygons.get(i), h, w, new long[16], new int[1]);
            int n = crossingCount(a);
            crossings += n;
            if (crossings > MAX_CROSSINGS) {
                throw new InvalidInputException("polygons cross the pixel columns of a " + w + "x" + h
                        + " image more than " + MAX_CROSSINGS + " times");
            }
            int[] counts = fromBoundary(a, n, h, w).counts();
            long pos = 0;
            for (int c = 0; c < counts.length; c++) {
                if (c % 2 == 1 && counts[c] > 0) {
                    runs.add(new long[] {pos, pos + counts[c]});
                }
                pos += counts[c];
            }
        }
        runs.sort((r, s) -> Long.compare(r[0], s[0]));
        List<Integer> counts = new ArrayList<>();
        long end = 0; // end of the last foreground run written
        for (long[] r : runs) {
            if (!counts.isEmpty() && r[0] <= end) {
                if (r[1] > end) {
                    counts.set(counts.size() - 1, (int) (counts.get(counts.size() - 1) + r[1] - end));
                    end = r[1];
                }
                continue;
            }
            counts.add((int) (r[0] - end));
            counts.add((int) (r[1] - r[0]));
            end = r[1];
        }
        counts.add((int) ((long) h * w - end));
        return new Rle(h, w, counts.stream().mapToInt(Integer::intValue).toArray()).toMask();
    }

    private static void checkImageSize(int h, int w) {
        if (h < 0 || w < 0 || (long) h * w > MAX_PIXELS) {
            throw new InvalidInputException("image size " + w + "x" + h + " is negative or beyond the limit of "
                    + MAX_PIXELS + " pixels");
        }
    }

    private static void checkCoordinates(double[] xy, String what) {
        for (int i = 0; i < xy.length; i++) {
            if (!Double.isFinite(xy[i]) || Math.abs(xy[i]) > MAX_COORDINATE) {
                throw new InvalidInputException(what + " coordinate " + i + " is " + xy[i]
                        + "; expected a finite number of pixels within +-" + MAX_COORDINATE);
            }
        }
    }

    /**
     * Decodes a COCO {@code segmentation} value: a list of polygons, an uncompressed RLE
     * ({@code {"size": [h, w], "counts": [..]}}) or a compressed one ({@code "counts": "..."}).
     * {@code h} and {@code w} are the image size, needed for polygons and checked against an RLE's
     * size (pass -1 to accept the RLE's own).
     *
     * @throws InvalidInputException when the value is malformed, its numbers are not finite or
     *     absurd, or the RLE's counts do not fill its size
     */
    public static Mask fromJson(JsonElement segmentation, int h, int w) {
        if (segmentation == null || segmentation.isJsonNull()) {
            throw new InvalidInputException("segmentation is missing");
        }
        if (segmentation.isJsonArray()) {
            if (h < 0 || w < 0) {
                throw new InvalidInputException("a polygon segmentation needs the image size; none is known");
            }
            List<double[]> polygons = new ArrayList<>();
            JsonArray parts = segmentation.getAsJsonArray();
            for (int p = 0; p < parts.size(); p++) {
                JsonElement e = parts.get(p);
                if (!e.isJsonArray()) {
                    throw new InvalidInputException("segmentation polygon " + p + " is " + abbreviate(e)
                            + "; expected a list of x, y numbers");
                }
                JsonArray coords = e.getAsJsonArray();
                double[] xy = new double[coords.size()];
                for (int i = 0; i < xy.length; i++) {
                    xy[i] = number(coords.get(i), "segmentation polygon " + p + " coordinate " + i);
                }
                polygons.add(xy);
            }
            return fromPolygons(polygons, h, w);
        }
        if (!segmentation.isJsonObject()) {
            throw new InvalidInputException("segmentation " + abbreviate(segmentation)
                    + " is neither a polygon list nor an RLE object");
        }
        return rleFromJson(segmentation.getAsJsonObject(), h, w).toMask();
    }

    /**
     * Reads an RLE object {@code {"size": [h, w], "counts": "..." | [..]}}.
     *
     * @throws InvalidInputException when a field is missing or malformed, the size is beyond
     *     {@link #MAX_PIXELS} or differs from the image's, or the counts are negative, too many or do
     *     not sum to the size
     */
    public static Rle rleFromJson(JsonObject rle, int h, int w) {
        JsonElement size = rle.get("size");
        JsonElement counts = rle.get("counts");
        if (size == null || !size.isJsonArray() || size.getAsJsonArray().size() != 2 || counts == null) {
            throw new InvalidInputException("RLE " + abbreviate(rle) + " lacks \"size\": [h, w] or \"counts\"");
        }
        long rh = integer(size.getAsJsonArray().get(0), "RLE size[0]", MAX_PIXELS);
        long rw = integer(size.getAsJsonArray().get(1), "RLE size[1]", MAX_PIXELS);
        if (rh * rw > MAX_PIXELS) {
            throw new InvalidInputException("RLE size [" + rh + ", " + rw + "] has more than " + MAX_PIXELS + " pixels");
        }
        if ((h >= 0 && rh != h) || (w >= 0 && rw != w)) {
            throw new InvalidInputException("RLE size [" + rh + ", " + rw + "] differs from the image's [" + h + ", "
                    + w + "]");
        }
        long pixels = rh * rw;
        try {
            if (counts.isJsonPrimitive() && counts.getAsJsonPrimitive().isString()) {
                String s = counts.getAsString();
                if (s.length() > 12 * (pixels + 1)) {
                    throw new InvalidInputException("RLE counts string has " + s.length() + " characters; a "
                            + rh + "x" + rw + " mask needs far fewer");
                }
                for (int i = 0; i < s.length(); i++) {
                    if (s.charAt(i) < 48 || s.charAt(i) > 111) {
                        throw new InvalidInputException("compressed RLE counts have character "
                                + DatasetPaths.abbreviate(String.valueOf(s.charAt(i))) + " (code " + (int) s.charAt(i)
                                + ") at " + i + "; expected ASCII 48..111");
                    }
                }
                return Rle.fromCompressedString(s, (int) rh, (int) rw);
            }
            if (counts.isJsonArray()) {
                JsonArray list = counts.getAsJsonArray();
                if (list.size() > pixels + 1) {
                    throw new InvalidInputException("RLE has " + list.size() + " counts; a " + rh + "x" + rw
                            + " mask has at most " + (pixels + 1));
                }
                int[] c = new int[list.size()];
                for (int i = 0; i < c.length; i++) {
                    c[i] = (int) integer(list.get(i), "RLE count " + i, pixels);
                }
                return new Rle((int) rh, (int) rw, c);
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (SegEarthException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        throw new InvalidInputException("RLE counts " + abbreviate(counts) + " are neither a string nor a list");
    }

    /** A JSON number that is an integer in {@code [0, max]}. */
    private static long integer(JsonElement e, String what, long max) {
        double d = number(e, what);
        if (d != Math.rint(d) || d < 0 || d > max) {
            throw new InvalidInputException(what + " is " + abbreviate(e) + "; expected an integer in [0, " + max + "]");
        }
        return (long) d;
    }

    /** A finite JSON number. */
    private static double number(JsonElement e, String what) {
        if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new InvalidInputException(what + " is " + abbreviate(e) + "; expected a number");
        }
        double d;
        try {
            d = e.getAsDouble();
        } catch (NumberFormatException ex) {
            throw new InvalidInputException(what + " is " + abbreviate(e) + "; expected a number", ex);
        }
        if (!Double.isFinite(d)) {
            throw new InvalidInputException(what + " is " + abbreviate(e) + "; expected a finite number");
        }
        return d;
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
        return DatasetPaths.abbreviate(o);
    }
}
