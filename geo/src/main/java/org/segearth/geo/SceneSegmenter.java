package org.segearth.geo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.runtime.FileTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segments a GeoTIFF scene of any size tile by tile with a {@link Segmenter}, and writes
 * georeferenced outputs: {@code mask-<i>.tif} per target (same grid, transform and CRS as the
 * scene, 8-bit, 255 = target, Deflate), {@code targets.geojson} (polygons with phrase, score,
 * target and area in m², WGS 84 longitude/latitude or the native CRS), {@code quicklook.png} and
 * {@code scene.json}. Memory is bounded by the tile and the scene's width, not its height.
 *
 * <pre>{@code
 * try (Segmenter segmenter = Segmenter.builder().maskLogits(true).build()) {
 *     SceneSegmenter scenes = new SceneSegmenter(segmenter, SceneOptions.defaults().withBands(3, 2, 1));
 *     SceneResult r = scenes.segment(Path.of("scene.tif"), "segment the buildings", Path.of("out"));
 *     r.targets().forEach(t -> System.out.println(t.phrase() + " " + t.areaSquareMetres() + " m2"));
 * }
 * }</pre>
 *
 * <p>The segmenter should be built with {@code maskLogits(true)} so that overlapping tiles blend on
 * logits; without them each tile's mask counts as logit +1 inside and -1 outside. The tiles come
 * from a {@link ScenePlan} and are merged by a {@link SceneMerger}, the same merge that Spark's
 * scene stage runs, so a scene gives the same targets and files wherever its tiles were segmented.
 */
public final class SceneSegmenter {

    /** The names of the files a scene writes. */
    public static final Pattern OUTPUTS = Pattern.compile("mask-\\d+\\.tif|targets\\.geojson|quicklook\\.png|scene\\.json");

    private static final Logger LOG = LoggerFactory.getLogger(SceneSegmenter.class);
    private static final Pattern ARTICLE = Pattern.compile("^(the|a|an|all|every|some)\\s+");

    private final Segmenter segmenter;
    private final SceneOptions options;

    public SceneSegmenter(Segmenter segmenter, SceneOptions options) {
        this.segmenter = Objects.requireNonNull(segmenter, "segmenter");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** A phrase as scene targets are matched: lower case, single spaces, no leading article or edge punctuation. */
    public static String normalisePhrase(String phrase) {
        String p = phrase.toLowerCase(Locale.ROOT).replaceAll("[\\p{Punct}&&[^-'/]]", " ")
                .replaceAll("\\s+", " ").strip();
        String before;
        do {
            before = p;
            p = ARTICLE.matcher(p).replaceFirst("");
        } while (!p.equals(before));
        return p.isEmpty() ? "(no phrase)" : p;
    }

    /**
     * Segments {@code scene} with {@code instruction} and writes the outputs into {@code out}
     * (created if needed). Every file appears complete or not at all: they are written into a
     * staging folder inside {@code out} and moved into place at the end.
     *
     * @throws InvalidInputException for a scene that is not a georeferenced TIFF, a CRS or sample
     *     format we cannot read, a band out of range, or a scene of nodata only
     */
    public SceneResult segment(Path scene, String instruction, Path out) {
        try {
            Files.createDirectories(out);
            Path staging = Files.createTempDirectory(out, ".segearth-scene-");
            try {
                return segment(scene, instruction, out, staging);
            } finally {
                FileTrees.deleteTree(staging);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(scene + ": " + e.getMessage(), e);
        }
    }

    /**
     * {@link #segment(Path, String, Path)} with a staging folder the caller owns (and removes, e.g.
     * on an interrupt): an empty folder on the file system of {@code out}.
     */
    public SceneResult segment(Path scene, String instruction, Path out, Path staging) {
        try (GeoScene s = GeoScene.open(scene)) {
            if (!s.isGeoreferenced()) {
                throw new InvalidInputException(scene + " is a TIFF without georeferencing; segment it as a plain image");
            }
            SceneResult result = run(s, instruction, staging);
            Files.createDirectories(out);
            for (String name : result.files()) {
                Files.move(staging.resolve(name), out.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(scene + ": " + e.getMessage(), e);
        }
    }

    private SceneResult run(GeoScene s, String instruction, Path staging) throws IOException {
        ScenePlan plan = ScenePlan.of(s, options);
        int overlap = plan.overlap();
        LOG.info("{}: {}x{}, {} band(s) {}, stretch {}, {} tiles of {}x{} sharing {} px", s.file(), s.width(),
                s.height(), s.bandCount(), s.sampleType(), plan.stretch(), plan.tileCount(), plan.tileWidth(),
                plan.tileHeight(), overlap);
        int[] xs = plan.xs();
        int[] ys = plan.ys();
        int w = plan.tileWidth();
        int h = plan.tileHeight();
        int done = 0;
        int skipped = 0;
        try (SceneMerger merger = new SceneMerger(s, plan, options, staging)) {
            for (int k = 0; k < ys.length; k++) {
                int y0 = ys[k];
                for (int x0 : xs) {
                    ScenePlan.Pixels px = plan.read(s, x0, y0);
                    merger.pixels(x0, y0, px);
                    if (px.valid() == 0) {
                        skipped++;
                    } else {
                        SegmentationResult r = segmenter.segment(px.image(), instruction);
                        merger.add(TileTargets.of(r, x0, y0, w, h));
                    }
                    options.progress().tiles(++done, plan.tileCount());
                }
                merger.finishRows(k + 1 < ys.length ? ys[k + 1] : s.height());
            }
            return merger.finish(skipped);
        }
    }
}
