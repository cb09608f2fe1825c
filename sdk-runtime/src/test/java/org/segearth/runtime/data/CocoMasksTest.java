package org.segearth.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.segearth.api.Box;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.Rle;
import org.segearth.api.SegEarthException;

/** Polygon results worked out by hand by following pycocotools' rleFrPoly step by step. */
class CocoMasksTest {

    @Test
    void squarePolygon() {
        // scaled corners (5,5)-(15,15); x-crossings at u = 7, 12 (top, y -> ceil(0.6) = 1) and
        // 12, 7 (bottom, y -> ceil(2.6) = 3): boundary indices 6, 11, 13, 8 -> counts 6 2 3 2 12
        Rle rle = CocoMasks.polygonToRle(new double[] {1, 1, 3, 1, 3, 3, 1, 3}, 5, 5);
        assertArrayEquals(new int[] {6, 2, 3, 2, 12}, rle.counts());
        assertEquals(Mask.builder(5, 5).fill(new Box(1, 1, 2, 2)).build(), rle.toMask());
    }

    @Test
    void trianglePolygon() {
        // boundary points (0,0) (1,0) (2,0) (3,0) | (3,0) (2,1) (1,2) (0,3): the duplicate (3,0)
        // cancels, leaving counts 0 3 2 2 3 1 14
        Rle rle = CocoMasks.polygonToRle(new double[] {0, 0, 4, 0, 0, 4}, 5, 5);
        assertArrayEquals(new int[] {0, 3, 2, 2, 3, 1, 14}, rle.counts());
        Mask m = rle.toMask();
        assertEquals(6, m.area());
        assertEquals(true, m.get(0, 2));
        assertEquals(false, m.get(0, 3));
        assertEquals(true, m.get(2, 0));
    }

    @Test
    void polygonBeyondTheImageFillsIt() {
        Rle rle = CocoMasks.polygonToRle(new double[] {-1, -1, 6, -1, 6, 6, -1, 6}, 5, 5);
        assertArrayEquals(new int[] {0, 25}, rle.counts());
    }

    @Test
    void segmentationJsonForms() {
        Mask twoParts = CocoMasks.fromJson(JsonParser.parseString("[[1,1,3,1,3,3,1,3],[0,0,4,0,0,4]]"), 5, 5);
        Mask square = Mask.builder(5, 5).fill(new Box(1, 1, 2, 2)).build();
        Mask triangle = CocoMasks.polygonToRle(new double[] {0, 0, 4, 0, 0, 4}, 5, 5).toMask();
        assertEquals(square.or(triangle), twoParts);
        Mask fromCounts = CocoMasks.fromJson(JsonParser.parseString("{\"size\":[5,5],\"counts\":[6,2,3,2,12]}"), 5, 5);
        assertEquals(square, fromCounts);
        String compressed = square.toRle().toCompressedString();
        Mask fromString = CocoMasks.fromJson(
                JsonParser.parseString("{\"size\":[5,5],\"counts\":\"" + compressed + "\"}"), -1, -1);
        assertEquals(square, fromString);
        assertEquals(square, CocoMasks.fromJson(CocoMasks.toJson(square.toRle()), 5, 5));
        assertThrows(SegEarthException.class,
                () -> CocoMasks.fromJson(JsonParser.parseString("{\"size\":[4,5],\"counts\":[20]}"), 5, 5));
        assertThrows(SegEarthException.class, () -> CocoMasks.fromJson(JsonParser.parseString("7"), 5, 5));
    }

    /** Coordinates of 4e8 (was an OutOfMemoryError): the polygon is clipped and covers the image. */
    @Test
    void farPolygonIsClipped() {
        Mask all = CocoMasks.fromJson(JsonParser.parseString("[[0, 0, 4e8, 0, 4e8, 4e8, 0, 4e8]]"), 5, 5);
        assertEquals(Mask.builder(5, 5).fill(new Box(0, 0, 5, 5)).build(), all);
        // a rectangle reaching far to the right rasterises as one that ends just past the margin
        Rle far = CocoMasks.polygonToRle(new double[] {1, 1, 1e7, 1, 1e7, 3, 1, 3}, 5, 5);
        Rle near = CocoMasks.polygonToRle(new double[] {1, 1, 11, 1, 11, 3, 1, 3}, 5, 5);
        assertEquals(near, far);
        Rle farLeft = CocoMasks.polygonToRle(new double[] {-3e8, -2e8, 3, 1, 3, 3}, 5, 5);
        assertTrue(farLeft.toMask().get(2, 2) && !farLeft.toMask().get(4, 2), farLeft.toString());
    }

    /** 1e300 (was the error text "-2147483648"), NaN and infinities are refused by name. */
    @Test
    void absurdOrNonFiniteCoordinatesAreRefused() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CocoMasks.fromJson(JsonParser.parseString("[[0, 0, 1e300, 0, 1e300, 1e300]]"), 5, 5));
        assertTrue(e.getMessage().contains("polygon 0 coordinate 2") && e.getMessage().contains("1.0E300"),
                e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> CocoMasks.fromJson(JsonParser.parseString("[[0, 0, NaN, 0, 3, 3]]"), 5, 5));
        assertTrue(e.getMessage().contains("coordinate 2"), e.getMessage());
        e = assertThrows(InvalidInputException.class,
                () -> CocoMasks.fromJson(JsonParser.parseString("[[0, 0, 1e400, 0, 3, 3]]"), 5, 5));
        assertTrue(e.getMessage().contains("finite"), e.getMessage());
        assertThrows(InvalidInputException.class,
                () -> CocoMasks.fromJson(JsonParser.parseString("[[0, 0, \"x\", 0, 3, 3]]"), 5, 5));
        assertThrows(InvalidInputException.class,
                () -> CocoMasks.polygonToRle(new double[] {0, 0, 1, 1, 2, 0}, 100_000, 100_000));
    }

    @Test
    void absurdlyLongBoundaryIsRefused() {
        double[] zigzag = new double[2000];
        for (int i = 0; i < 1000; i++) {
            zigzag[2 * i] = i % 2 == 0 ? -20_000 : 40_000;
            zigzag[2 * i + 1] = i * 10;
        }
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CocoMasks.polygonToRle(zigzag, 20_000, 20_000));
        assertTrue(e.getMessage().contains("boundary"), e.getMessage());
    }

    /** Counts that are negative, too large (once truncated to int), too many or beyond the size. */
    @Test
    void malformedRlesAreRefused() {
        for (String rle : new String[] {
                "{\"size\":[2,2],\"counts\":[-1,5]}",
                "{\"size\":[2,2],\"counts\":[4294967296,4]}",
                "{\"size\":[2,2],\"counts\":[1,1,1,1,0,0,0]}",
                "{\"size\":[2,2],\"counts\":[3,3]}",
                "{\"size\":[2,2],\"counts\":[1.5,2.5]}",
                "{\"size\":[2,2],\"counts\":\"\u007f\"}",
                "{\"size\":[2,2],\"counts\":\"P\"}",
                "{\"size\":[100000,100000],\"counts\":[2000000000,2000000000,2000000000,2000000000,2000000000]}",
                "{\"size\":[-2,-2],\"counts\":[4]}",
                "{\"size\":[2,\"a\"],\"counts\":[4]}",
                "{\"size\":[2,2],\"counts\":{}}"}) {
            assertThrows(InvalidInputException.class, () -> CocoMasks.fromJson(JsonParser.parseString(rle), -1, -1),
                    rle);
        }
    }

    @Test
    void unionOfPolygonsList() {
        assertEquals(Mask.empty(3, 2), CocoMasks.fromPolygons(List.of(), 2, 3));
    }
}
