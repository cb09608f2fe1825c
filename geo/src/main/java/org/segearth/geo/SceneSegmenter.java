package org.segearth.geo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.pipeline.DefaultSegmenter;
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
 * logits; without them each tile's mask counts as logit +1 inside and -1 outside.
 *
 * <p>Tiles are by default the model's mask-branch input side ({@link SceneOptions#tileSide}).
 * Several instructions ({@link #segment(Path, List, Path)}) run tile by tile, each tile read once;
 * with the SDK's segmenter the tiles of a row are encoded {@link SceneOptions#tileBatch()} at a
 * time into its feature cache, so every instruction's call on a tile skips the encoders.
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
     * One instruction for a scene.
     *
     * @param text the instruction
     * @param answer teacher-forced: the answer every tile is segmented with, one {@code [SEG]} per
     *     target (as {@link Segmenter#segmentWithAnswer}); null: the model writes each tile's answer
     */
    public record Instruction(String text, String answer) {
        public Instruction {
            Objects.requireNonNull(text, "text");
        }

        /** A generative instruction: the model writes each tile's answer. */
        public static Instruction of(String text) {
            return new Instruction(text, null);
        }
    }

    /**
     * What one instruction of {@link #segment(Path, List, Path)} gave.
     *
     * @param instruction the instruction
     * @param folder its outputs' folder inside {@code out}; empty when they are in {@code out} itself
     * @param result the scene's targets and the files written (names inside {@code folder})
     */
    public record InstructionResult(Instruction instruction, String folder, SceneResult result) {}

    /**
     * Segments {@code scene} with {@code instruction} and writes the outputs into {@code out}
     * (created if needed). Every file appears complete or not at all: they are written into a
     * staging folder inside {@code out} and moved into place at the end.
     *
     * @throws InvalidInputException for a scene that is not a georeferenced TIFF, a CRS or sample
     *     format we cannot read, a band out of range, or a scene of nodata only
     */
    public SceneResult segment(Path scene, String instruction, Path out) {
        return segment(scene, List.of(Instruction.of(instruction)), out).get(0).result();
    }

    /** {@link #segment(Path, String, Path)} teacher-forced: every tile is segmented with {@code answer}. */
    public SceneResult segmentWithAnswer(Path scene, String instruction, String answer, Path out) {
        Objects.requireNonNull(answer, "answer");
        return segment(scene, List.of(new Instruction(instruction, answer)), out).get(0).result();
    }

    /**
     * Segments {@code scene} with several instructions, tile by tile: each tile is read once and
     * segmented with every instruction in turn, so the segmenter computes its image features once
     * per tile and serves them from its feature cache to the other instructions. One instruction
     * writes into {@code out}; several write into one folder each, named after the instruction
     * (lower case, words joined by '-', at most 48 characters, a suffix where two coincide).
     * Nothing is moved into {@code out} before every instruction is done.
     */
    public List<InstructionResult> segment(Path scene, List<Instruction> instructions, Path out) {
        try {
            Files.createDirectories(out);
            Path staging = Files.createTempDirectory(out, ".segearth-scene-");
            try {
                return segment(scene, instructions, out, staging);
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
        return segment(scene, List.of(Instruction.of(instruction)), out, staging).get(0).result();
    }

    /** {@link #segment(Path, List, Path)} with a staging folder the caller owns (see {@link #segment(Path, String, Path, Path)}). */
    public List<InstructionResult> segment(Path scene, List<Instruction> instructions, Path out, Path staging) {
        if (instructions.isEmpty()) {
            throw new InvalidInputException("no instruction for " + scene);
        }
        List<String> folders = folders(instructions);
        try (GeoScene s = GeoScene.open(scene)) {
            if (!s.isGeoreferenced()) {
                throw new InvalidInputException(scene + " is a TIFF without georeferencing; segment it as a plain image");
            }
            List<Path> stagings = new ArrayList<>();
            for (int i = 0; i < instructions.size(); i++) {
                stagings.add(Files.createDirectories(staging.resolve(Integer.toString(i))));
            }
            List<SceneResult> results = run(s, instructions, stagings);
            List<InstructionResult> done = new ArrayList<>();
            for (int i = 0; i < instructions.size(); i++) {
                Path dir = Files.createDirectories(out.resolve(folders.get(i)));
                for (String name : results.get(i).files()) {
                    Files.move(stagings.get(i).resolve(name), dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                }
                done.add(new InstructionResult(instructions.get(i), folders.get(i), results.get(i)));
            }
            return done;
        } catch (IOException e) {
            throw new UncheckedIOException(scene + ": " + e.getMessage(), e);
        }
    }

    /** The output folder of each instruction: "" for a single one, else a name made from its text. */
    public static List<String> folders(List<Instruction> instructions) {
        if (instructions.size() == 1) {
            return List.of("");
        }
        List<String> names = new ArrayList<>();
        Map<String, Integer> used = new HashMap<>();
        for (Instruction in : instructions) {
            String slug = in.text().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", "-").replaceAll("^-+|-+$", "");
            if (slug.length() > 48) {
                slug = slug.substring(0, 48).replaceAll("-+$", "");
            }
            slug = slug.isEmpty() ? "instruction" : slug;
            int n = used.merge(slug, 1, Integer::sum);
            names.add(n == 1 ? slug : slug + "-" + n);
        }
        return names;
    }

    private List<SceneResult> run(GeoScene s, List<Instruction> instructions, List<Path> stagings) throws IOException {
        ScenePlan plan = ScenePlan.of(s, options, SceneOptions.modelInputSide(segmenter));
        LOG.info("{}: {}x{}, {} band(s) {}, stretch {}, {} tiles of {}x{} sharing {} px, {} instruction(s)", s.file(),
                s.width(), s.height(), s.bandCount(), s.sampleType(), plan.stretch(), plan.tileCount(),
                plan.tileWidth(), plan.tileHeight(), plan.overlap(), instructions.size());
        int m = instructions.size();
        int[] xs = plan.xs();
        int[] ys = plan.ys();
        int w = plan.tileWidth();
        int h = plan.tileHeight();
        int batch = tileBatch(segmenter, options);
        int done = 0;
        int skipped = 0;
        SceneMerger[] mergers = new SceneMerger[m];
        try {
            for (int i = 0; i < m; i++) {
                mergers[i] = new SceneMerger(s, plan, options, stagings.get(i));
            }
            for (int k = 0; k < ys.length; k++) {
                int y0 = ys[k];
                for (int first = 0; first < xs.length; first += batch) {
                    List<ScenePlan.Pixels> tiles = tileBatch(s, plan, xs, first, batch, y0);
                    for (int j = 0; j < tiles.size(); j++) {
                        int x0 = xs[first + j];
                        ScenePlan.Pixels px = tiles.get(j);
                        for (SceneMerger merger : mergers) {
                            merger.pixels(x0, y0, px);
                        }
                        if (px.valid() == 0) {
                            skipped++;
                        } else {
                            // instruction after instruction on one tile: the features are computed once, then cached
                            ImageSource image = px.image();
                            for (int i = 0; i < m; i++) {
                                Instruction in = instructions.get(i);
                                SegmentationResult r = in.answer() == null ? segmenter.segment(image, in.text())
                                        : segmenter.segmentWithAnswer(image, in.text(), in.answer());
                                mergers[i].add(TileTargets.of(r, x0, y0, w, h));
                            }
                        }
                        options.progress().tiles(++done, plan.tileCount());
                    }
                }
                for (SceneMerger merger : mergers) {
                    merger.finishRows(k + 1 < ys.length ? ys[k + 1] : s.height());
                }
            }
            List<SceneResult> results = new ArrayList<>();
            for (SceneMerger merger : mergers) {
                results.add(merger.finish(skipped));
            }
            return results;
        } finally {
            for (SceneMerger merger : mergers) {
                if (merger != null) {
                    merger.close();
                }
            }
        }
    }

    /**
     * Up to {@code batch} tiles of a row from column index {@code first}: the tiles with a valid
     * pixel are encoded in one batch into the SDK segmenter's feature cache before they are handed
     * out, so their {@code segment} calls find them cached ({@link SceneOptions#tileBatch()}).
     */
    private List<ScenePlan.Pixels> tileBatch(GeoScene s, ScenePlan plan, int[] xs, int first, int batch, int y0) {
        List<ScenePlan.Pixels> tiles = new ArrayList<>();
        List<ImageSource> valid = new ArrayList<>();
        for (int x = first; x < Math.min(xs.length, first + batch); x++) {
            ScenePlan.Pixels px = plan.read(s, xs[x], y0);
            tiles.add(px);
            if (px.valid() > 0) {
                valid.add(px.image());
            }
        }
        prefetch(segmenter, valid);
        return tiles;
    }

    /**
     * Tiles encoded together with {@code segmenter}: {@link SceneOptions#tileBatch()} up to its
     * feature cache's size for the SDK's segmenter, else 1.
     */
    public static int tileBatch(Segmenter segmenter, SceneOptions options) {
        return segmenter instanceof DefaultSegmenter d ? Math.max(1, Math.min(options.tileBatch(), d.cache().capacity()))
                : 1;
    }

    /**
     * Encodes the images of one batch of tiles (those with a valid pixel) together into the SDK
     * segmenter's feature cache, so that their {@code segment} calls find them there; nothing for
     * fewer than two images or another segmenter. Cluster runs call it with the same batches, so
     * their numbers are those of this class.
     */
    public static void prefetch(Segmenter segmenter, List<ImageSource> images) {
        if (images.size() > 1 && segmenter instanceof DefaultSegmenter d) {
            d.prefetch(images);
        }
    }
}
