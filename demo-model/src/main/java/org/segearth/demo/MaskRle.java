package org.segearth.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place the demo data encodes masks as COCO RLE ({@code {"size": [h, w], "counts": "..."}},
 * pycocotools' compressed string, column-major runs starting with background). To be replaced by
 * {@code org.segearth.api.Mask}'s RLE export when it is available.
 */
final class MaskRle {

    private MaskRle() {
    }

    /** Encodes a row-major {@code h x w} mask. */
    static JsonObject encode(boolean[] rowMajor, int h, int w) {
        List<Integer> runs = new ArrayList<>();
        boolean current = false;
        int run = 0;
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                boolean v = rowMajor[y * w + x];
                if (v != current) {
                    runs.add(run);
                    run = 0;
                    current = v;
                }
                run++;
            }
        }
        runs.add(run);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < runs.size(); i++) {
            long x = runs.get(i);
            if (i > 2) {
                x -= runs.get(i - 2);
            }
            boolean more = true;
            while (more) {
                long c = x & 0x1f;
                x >>= 5;
                more = (c & 0x10) != 0 ? x != -1 : x != 0;
                if (more) {
                    c |= 0x20;
                }
                s.append((char) (c + 48));
            }
        }
        JsonObject o = new JsonObject();
        JsonArray size = new JsonArray();
        size.add(h);
        size.add(w);
        o.add("size", size);
        o.addProperty("counts", s.toString());
        return o;
    }

    /** Decodes {@link #encode}'s object to a row-major mask. */
    static boolean[] decode(JsonObject rle) {
        int h = rle.getAsJsonArray("size").get(0).getAsInt();
        int w = rle.getAsJsonArray("size").get(1).getAsInt();
        String s = rle.get("counts").getAsString();
        List<Long> runs = new ArrayList<>();
        int p = 0;
        while (p < s.length()) {
            long x = 0;
            int k = 0;
            boolean more = true;
            while (more) {
                long c = s.charAt(p) - 48;
                x |= (c & 0x1f) << (5 * k);
                more = (c & 0x20) != 0;
                p++;
                k++;
                if (!more && (c & 0x10) != 0) {
                    x |= -1L << (5 * k);
                }
            }
            if (runs.size() > 2) {
                x += runs.get(runs.size() - 2);
            }
            runs.add(x);
        }
        boolean[] out = new boolean[h * w];
        long pos = 0;
        boolean v = false;
        for (long r : runs) {
            for (long i = 0; i < r; i++, pos++) {
                int x = (int) (pos / h);
                int y = (int) (pos % h);
                out[y * w + x] = v;
            }
            v = !v;
        }
        return out;
    }
}
