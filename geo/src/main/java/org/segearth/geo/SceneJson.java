package org.segearth.geo;

import java.nio.file.Path;
import java.util.Locale;
import org.segearth.geo.internal.GeoJsonWriter;

/** {@code scene.json}: what a scene run found and wrote. */
final class SceneJson {

    private SceneJson() {}

    static String toJson(Path scene, SceneResult r) {
        StringBuilder b = new StringBuilder("{\n");
        b.append("  \"scene\": ").append(quote(scene.getFileName().toString())).append(",\n");
        b.append("  \"width\": ").append(r.width()).append(",\n");
        b.append("  \"height\": ").append(r.height()).append(",\n");
        b.append("  \"crs\": ").append(quote(r.crs())).append(",\n");
        b.append("  \"tiles\": ").append(r.tiles()).append(",\n");
        b.append("  \"skipped_tiles\": ").append(r.skippedTiles()).append(",\n");
        b.append("  \"stretch\": ").append(quote(r.stretch())).append(",\n");
        b.append("  \"targets\": [");
        for (int i = 0; i < r.targets().size(); i++) {
            SceneResult.SceneTarget t = r.targets().get(i);
            b.append(i == 0 ? "\n" : ",\n").append(String.format(Locale.ROOT,
                    "    {\"index\": %d, \"phrase\": %s, \"score\": %.4f, \"pixels\": %d, \"area_m2\": %.2f,"
                            + " \"polygons\": %d, \"tiles\": %d, \"mask\": \"mask-%d.tif\"}",
                    t.index(), quote(t.phrase()), t.score(), t.pixels(), t.areaSquareMetres(), t.polygons(), t.tiles(),
                    t.index()));
        }
        b.append(r.targets().isEmpty() ? "],\n" : "\n  ],\n");
        b.append("  \"files\": [");
        for (int i = 0; i < r.files().size(); i++) {
            b.append(i == 0 ? "" : ", ").append(quote(r.files().get(i)));
        }
        return b.append("]\n}\n").toString();
    }

    private static String quote(String s) {
        return GeoJsonWriter.quote(s);
    }
}
