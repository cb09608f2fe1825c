package org.segearth.runtime.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import org.segearth.api.Mask;
import org.segearth.runtime.data.CocoMasks;

/** COCO segmentations (polygons, RLE objects, compressed counts) as the dataset readers decode them. */
class CocoMasksFuzzTest {

    @FuzzTest
    void segmentation(FuzzedDataProvider data) {
        int h = data.consumeInt(-1, 600);
        int w = data.consumeInt(-1, 600);
        String json = data.consumeRemainingAsString();
        JsonElement segmentation;
        try {
            segmentation = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            return; // not JSON: Gson's concern, not ours
        }
        Fuzz.expectParsedOrRefused(() -> {
            Mask m = CocoMasks.fromJson(segmentation, h, w);
            if (h >= 0 && w >= 0 && (m.width() != w || m.height() != h)) {
                throw new AssertionError("a " + w + "x" + h + " segmentation decoded to " + m.width() + "x" + m.height());
            }
            CocoMasks.toJson(m.toRle());
        });
    }
}
