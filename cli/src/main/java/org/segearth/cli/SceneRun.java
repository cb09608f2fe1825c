package org.segearth.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.segearth.api.SegEarthException;
import org.segearth.api.Segmenter;
import org.segearth.geo.GeoScene;
import org.segearth.geo.SceneOptions;
import org.segearth.geo.SceneResult;
import org.segearth.geo.SceneSegmenter;

/**
 * What {@code segearth segment} does beyond one plain image: GeoTIFF scenes (delegated to the
 * geo module's {@link SceneSegmenter}) and batches (a folder or a glob: one output folder per
 * image, {@code summary.json}, a bad file reported and skipped).
 */
final class SceneRun {

    /** Extensions a folder given to {@code --image} is searched for. */
    private static final String IMAGES = "glob:**.{tif,tiff,TIF,TIFF,png,PNG,jpg,jpeg,JPG,JPEG}";

    private SceneRun() {}

    /** Whether {@code --image} names a batch: a folder or a glob pattern. */
    static boolean isBatch(Path image) {
        return Files.isDirectory(image) || isGlob(image.toString());
    }

    private static boolean isGlob(String s) {
        return s.contains("*") || s.contains("?") || s.contains("[") || s.contains("{");
    }

    /** The images of a batch, sorted; a folder gives its image files (not recursing), a glob its matches. */
    static List<Path> expand(Path image) throws IOException {
        Path dir;
        PathMatcher matcher;
        if (Files.isDirectory(image)) {
            dir = image;
            matcher = FileSystems.getDefault().getPathMatcher(IMAGES);
        } else {
            String s = image.toString();
            int firstGlob = s.length();
            for (char c : new char[] {'*', '?', '[', '{'}) {
                int i = s.indexOf(c);
                if (i >= 0) {
                    firstGlob = Math.min(firstGlob, i);
                }
            }
            int slash = s.lastIndexOf('/', firstGlob);
            dir = slash < 0 ? Path.of(".") : Path.of(s.substring(0, Math.max(slash, 1)));
            String pattern = slash < 0 ? "./" + s : s;
            matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        }
        if (!Files.isDirectory(dir)) {
            throw new org.segearth.api.InvalidInputException("--image " + image + ": folder " + dir + " does not exist");
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).filter(p -> matcher.matches(p) || matcher.matches(dir.relativize(p)))
                    .sorted().forEach(found::add);
        }
        if (found.isEmpty()) {
            throw new org.segearth.api.InvalidInputException("--image " + image + " matches no image file");
        }
        return found;
    }

    /** The scene options of the command's flags. */
    static SceneOptions options(SegmentCommand c, ProgressDisplay progress) {
        SceneOptions o = SceneOptions.defaults().withTile(c.tile, c.overlap).withSimplify(c.simplify)
                .withNativeVectorCrs(nativeCrs(c.vectorCrs)).withTileBatch(c.tileBatch).withProgress(progress::bar);
        if (c.gsd != 0) {
            o = o.withInputGsd(c.gsd);
        }
        if (c.bands != null) {
            o = o.withBands(c.bands.stream().mapToInt(Integer::intValue).toArray());
        }
        if (c.stretch != null) {
            if (c.stretch.size() != 2) {
                throw new org.segearth.api.InvalidInputException("--stretch takes MIN,MAX, got " + c.stretch.size()
                        + " values");
            }
            o = o.withStretch(c.stretch.get(0), c.stretch.get(1));
        }
        return o;
    }

    private static boolean nativeCrs(String vectorCrs) {
        return switch (vectorCrs.toLowerCase(Locale.ROOT)) {
            case "wgs84", "epsg:4326", "crs84" -> false;
            case "native" -> true;
            default -> throw new org.segearth.api.InvalidInputException("--vector-crs " + vectorCrs
                    + " is not known; use wgs84 (RFC 7946 GeoJSON) or native (the scene's CRS)");
        };
    }

    /** Segments one GeoTIFF scene into {@code out} with every instruction, tile by tile; returns the results. */
    static List<SceneSegmenter.InstructionResult> scene(Segmenter segmenter, SegmentCommand c, Path image, Path out,
            ProgressDisplay progress) {
        progress.stage("segmenting " + image.getFileName());
        try {
            Files.createDirectories(out);
            // staging inside --out, removed on every exit (Ctrl-C and SIGTERM included)
            Path staging = Cleanup.register(Files.createTempDirectory(out, ".segearth-tmp-"));
            try {
                return new SceneSegmenter(segmenter, options(c, progress)).segment(image, c.requests(), out, staging);
            } finally {
                Cleanup.remove(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
        }
    }

    /** The files the results wrote, relative to the output folder ({@code <instruction folder>/<name>} for several). */
    static List<String> files(List<SceneSegmenter.InstructionResult> results) {
        List<String> files = new ArrayList<>();
        for (SceneSegmenter.InstructionResult r : results) {
            for (String name : r.result().files()) {
                files.add(r.folder().isEmpty() ? name : r.folder() + "/" + name);
            }
        }
        return files;
    }

    static void summarise(PrintWriter out, SceneResult r) {
        out.println(String.format(Locale.ROOT, "scene %dx%d, %s, %d tiles (%d of nodata skipped)", r.width(), r.height(),
                r.crs(), r.tiles(), r.skippedTiles()));
        out.println(r.targets().size() + (r.targets().size() == 1 ? " target" : " targets"));
        for (SceneResult.SceneTarget t : r.targets()) {
            out.println(String.format(Locale.ROOT, "  [%d] %s  score=%.3f  pixels=%d  area=%.1f m2  polygons=%d", t.index(),
                    t.phrase(), t.score(), t.pixels(), t.areaSquareMetres(), t.polygons()));
        }
    }

    /** One line of {@code summary.json}. */
    record Outcome(Path image, String folder, String status, int targets, String error) {}

    /** Writes {@code summary.json} into {@code out} (atomically). */
    static void writeSummary(Path out, List<Outcome> outcomes) {
        JsonArray images = new JsonArray();
        for (Outcome o : outcomes) {
            JsonObject j = new JsonObject();
            j.addProperty("image", o.image().toString());
            j.addProperty("out", o.folder());
            j.addProperty("status", o.status());
            j.addProperty("targets", o.targets());
            j.addProperty("error", o.error());
            images.add(j);
        }
        long failed = outcomes.stream().filter(o -> !o.status().equals("ok")).count();
        JsonObject summary = new JsonObject();
        summary.add("images", images);
        summary.addProperty("ok", outcomes.size() - failed);
        summary.addProperty("failed", failed);
        OutputFolder.writeAtomically(out.resolve("summary.json"),
                new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(summary) + "\n");
    }

    /** A folder name for {@code image} unique among {@code used}: its name without extension. */
    static String folderName(Path image, Map<String, Integer> used) {
        String name = image.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        int n = used.merge(stem, 1, Integer::sum);
        return n == 1 ? stem : stem + "-" + n;
    }

    /** Whether {@code image} is a GeoTIFF (a georeferenced TIFF); plain TIFFs are plain images. */
    static boolean isGeoTiff(Path image) {
        try {
            return Files.isRegularFile(image) && GeoScene.isGeoTiff(image);
        } catch (SegEarthException | UncheckedIOException e) {
            return false;
        }
    }
}
