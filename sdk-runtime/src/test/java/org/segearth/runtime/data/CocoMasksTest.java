package org.segearth.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.segearth.api.Box;
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

    @Test
    void unionOfPolygonsList() {
        assertEquals(Mask.empty(3, 2), CocoMasks.fromPolygons(List.of(), 2, 3));
    }
}
