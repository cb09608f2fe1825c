package org.segearth.geo;

import java.awt.geom.AffineTransform;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.sis.referencing.CRS;
import org.apache.sis.referencing.CommonCRS;
import org.apache.sis.referencing.IdentifiedObjects;
import org.apache.sis.measure.Units;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.CoordinateSequence;
import org.locationtech.jts.geom.CoordinateSequenceFilter;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.Polygon;
import org.locationtech.jts.geom.util.AffineTransformation;
import org.locationtech.jts.geom.util.GeometryFixer;
import org.locationtech.jts.simplify.DouglasPeuckerSimplifier;
import org.locationtech.jts.simplify.TopologyPreservingSimplifier;
import org.opengis.referencing.crs.CoordinateReferenceSystem;
import org.opengis.referencing.crs.GeographicCRS;
import org.opengis.referencing.operation.MathTransform;
import org.opengis.referencing.operation.TransformException;
import org.opengis.util.FactoryException;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.geo.internal.Areas;
import org.segearth.geo.internal.GeoJsonWriter;
import org.segearth.geo.internal.QuickLook;
import org.segearth.geo.internal.TileBlender;
import org.segearth.geo.internal.TileLayout;
import org.segearth.geo.internal.TilePixels;
import org.segearth.runtime.pipeline.DefaultSegmenter;
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

    private int[] bands(GeoScene s) {
        int[] user = options.bands();
        int[] bands;
        if (user.length > 0) {
            bands = user.length == 1 ? new int[] {user[0] - 1, user[0] - 1, user[0] - 1}
                    : new int[] {user[0] - 1, user[1] - 1, user[2] - 1};
            for (int b : user) {
                if (b > s.bandCount()) {
                    throw new InvalidInputException(s.file() + " has " + s.bandCount() + " band"
                            + (s.bandCount() == 1 ? "" : "s") + "; --bands " + b + " is out of range (1.."
                            + s.bandCount() + ")");
                }
            }
        } else {
            bands = s.bandCount() >= 3 ? new int[] {0, 1, 2} : new int[] {0, 0, 0};
        }
        return bands;
    }

    private List<SceneResult> run(GeoScene s, List<Instruction> instructions, List<Path> stagings) throws IOException {
        int[] bands = bands(s);
        Stretch stretch = options.stretchMin().isPresent()
                ? Stretch.fixed(3, options.stretchMin().get(), options.stretchMax().get())
                : Stretch.auto(s, bands);
        int tile = options.tileSide(SceneOptions.modelInputSide(segmenter), s.groundSampleDistance());
        int overlap = options.overlapPixels(tile);
        TileLayout layout = new TileLayout(s.width(), s.height(), tile, overlap);
        LOG.info("{}: {}x{}, {} band(s) {}, stretch {}, {} tiles of {}x{} sharing {} px, {} instruction(s)", s.file(),
                s.width(), s.height(), s.bandCount(), s.sampleType(), stretch, layout.count(), layout.tileWidth(),
                layout.tileHeight(), overlap, instructions.size());
        int m = instructions.size();
        QuickLook[] quickLooks = new QuickLook[m];
        TileBlender[] blenders = new TileBlender[m];
        int[] xs = layout.xs();
        int[] ys = layout.ys();
        int w = layout.tileWidth();
        int h = layout.tileHeight();
        int done = 0;
        int skipped = 0;
        boolean warned = false;
        List<List<TileBlender.Blend>> blends = new ArrayList<>();
        try {
            for (int i = 0; i < m; i++) {
                quickLooks[i] = new QuickLook(s.width(), s.height());
                blenders[i] = new TileBlender(s.width(), s.height(), h, stagings.get(i), s.directory(), quickLooks[i]);
            }
            for (int k = 0; k < ys.length; k++) {
                int y0 = ys[k];
                float[] rampY = TileLayout.ramp(y0, h, s.height(), overlap);
                for (TilePixels pixels : tileBatches(s, xs, y0, w, h, bands, stretch)) {
                    int x0 = pixels.x0();
                    float[] rampX = TileLayout.ramp(x0, w, s.width(), overlap);
                    for (int i = 0; i < m; i++) {
                        blenders[i].nodata(x0, y0, w, h, pixels.invalid());
                        quickLooks[i].addPixels(x0, y0, w, h, pixels.rgb());
                    }
                    if (pixels.valid() == 0) {
                        skipped++;
                    } else {
                        // instruction after instruction on one tile: the features are computed once, then cached
                        ImageSource image = ImageSource.ofRgb(pixels.rgb(), w, h);
                        for (int i = 0; i < m; i++) {
                            Instruction in = instructions.get(i);
                            SegmentationResult r = in.answer() == null ? segmenter.segment(image, in.text())
                                    : segmenter.segmentWithAnswer(image, in.text(), in.answer());
                            warned |= addTargets(blenders[i], r, x0, y0, w, h, rampX, rampY, warned);
                        }
                    }
                    options.progress().tiles(++done, layout.count());
                }
                for (TileBlender blender : blenders) {
                    blender.finishRows(k + 1 < ys.length ? ys[k + 1] : s.height());
                }
            }
            if (skipped == layout.count()) {
                throw new InvalidInputException(s.file() + " holds only nodata"
                        + s.nodata().map(v -> " (" + v + ")").orElse("") + ": no tile has a valid pixel");
            }
            for (TileBlender blender : blenders) {
                blends.add(blender.finish());
            }
        } finally {
            for (TileBlender blender : blenders) {
                if (blender != null) {
                    blender.close();
                }
            }
        }
        List<SceneResult> results = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            results.add(write(s, stagings.get(i), blends.get(i), quickLooks[i], layout, skipped, stretch));
        }
        return results;
    }

    /**
     * The tiles of one row, read in groups of {@link SceneOptions#tileBatch()}: each group's tiles
     * with a valid pixel are encoded in one batch into the segmenter's feature cache (the SDK's
     * segmenter only) before they are handed out, so their {@code segment} calls find them cached.
     */
    private Iterable<TilePixels> tileBatches(GeoScene s, int[] xs, int y0, int w, int h, int[] bands, Stretch stretch) {
        int batch = segmenter instanceof DefaultSegmenter d ? Math.min(options.tileBatch(), d.cache().capacity()) : 1;
        return () -> new java.util.Iterator<>() {
            private final java.util.ArrayDeque<TilePixels> ready = new java.util.ArrayDeque<>();
            private int next;

            @Override
            public boolean hasNext() {
                return !ready.isEmpty() || next < xs.length;
            }

            @Override
            public TilePixels next() {
                if (ready.isEmpty()) {
                    List<ImageSource> valid = new ArrayList<>();
                    for (int end = Math.min(xs.length, next + Math.max(1, batch)); next < end; next++) {
                        TilePixels t = TilePixels.read(s, xs[next], y0, w, h, bands, stretch);
                        ready.add(t);
                        if (t.valid() > 0) {
                            valid.add(ImageSource.ofRgb(t.rgb(), w, h));
                        }
                    }
                    if (batch > 1 && valid.size() > 1) {
                        ((DefaultSegmenter) segmenter).prefetch(valid);
                    }
                }
                return ready.remove();
            }
        };
    }

    /** Groups a tile's targets by normalised phrase and adds their logits; returns whether logits were missing. */
    private static boolean addTargets(TileBlender blender, SegmentationResult r, int x0, int y0, int w, int h,
            float[] rampX, float[] rampY, boolean warned) throws IOException {
        Map<String, float[]> logits = new LinkedHashMap<>();
        Map<String, double[]> scoreArea = new LinkedHashMap<>();
        boolean missing = false;
        for (Target t : r.targets()) {
            float[] l;
            if (t.logits().isPresent()) {
                l = t.logits().get().values();
            } else {
                missing = true;
                l = new float[w * h];
                for (int i = 0; i < l.length; i++) {
                    l[i] = t.mask().get(i % w, i / w) ? 1f : -1f;
                }
            }
            String phrase = normalisePhrase(t.phrase());
            float[] prior = logits.get(phrase);
            if (prior == null) {
                logits.put(phrase, l);
                scoreArea.put(phrase, new double[] {t.score() * t.area(), t.area(), t.score()});
            } else {
                for (int i = 0; i < l.length; i++) {
                    prior[i] = Math.max(prior[i], l[i]);
                }
                double[] sa = scoreArea.get(phrase);
                sa[0] += t.score() * t.area();
                sa[1] += t.area();
                sa[2] = Math.max(sa[2], t.score());
            }
        }
        if (missing && !warned) {
            LOG.warn("the segmenter gives no mask logits (build it with maskLogits(true)); tiles blend on their masks");
        }
        for (Map.Entry<String, float[]> e : logits.entrySet()) {
            double[] sa = scoreArea.get(e.getKey());
            double score = sa[1] > 0 ? sa[0] / sa[1] : sa[2];
            blender.add(e.getKey(), x0, y0, w, h, e.getValue(), rampX, rampY, score, (long) sa[1]);
        }
        return missing;
    }

    private SceneResult write(GeoScene s, Path staging, List<TileBlender.Blend> blends, QuickLook quickLook,
            TileLayout layout, int skipped, Stretch stretch) throws IOException {
        CoordinateReferenceSystem crs = s.crs().orElseThrow();
        AffineTransform g = s.pixelToCrs().orElseThrow();
        AffineTransformation pixelToCrs = new AffineTransformation(g.getScaleX(), g.getShearX(), g.getTranslateX(),
                g.getShearY(), g.getScaleY(), g.getTranslateY());
        MathTransform toLonLat;
        try {
            toLonLat = CRS.findOperation(crs, CommonCRS.WGS84.normalizedGeographic(), null).getMathTransform();
        } catch (FactoryException e) {
            throw new InvalidInputException(s.file() + ": its CRS " + crs.getName() + " cannot be converted to WGS 84: "
                    + GeoScene.oneLine(e), e);
        }
        boolean geographic = crs instanceof GeographicCRS;
        double unitToMetre = geographic ? Double.NaN : metresPerUnit(crs);
        boolean nativeOut = options.nativeVectorCrs();
        String crsName = nativeOut ? crsUrn(crs, geographic) : null;
        List<String> files = new ArrayList<>();
        List<SceneResult.SceneTarget> targets = new ArrayList<>();
        List<String> phrases = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        List<byte[]> quickMasks = new ArrayList<>();
        try (GeoJsonWriter json = new GeoJsonWriter(staging.resolve("targets.geojson"), crsName,
                nativeOut && !geographic ? 3 : 8)) {
            for (TileBlender.Blend b : blends) {
                if (b.pixels() == 0) {
                    continue; // named by some tile, but nothing left after blending: no target, not a blank mask
                }
                int index = targets.size();
                String name = "mask-" + index + ".tif";
                Files.move(b.file(), staging.resolve(name));
                files.add(name);
                double area = 0;
                int count = 0;
                for (Polygon p : b.polygons().polygons()) {
                    Geometry px = options.simplify() > 0 ? TopologyPreservingSimplifier.simplify(p, options.simplify())
                            : DouglasPeuckerSimplifier.simplify(p, 0);
                    Geometry native_ = valid(pixelToCrs.transform(px));
                    Geometry lonLat = valid(transform(native_, toLonLat));
                    for (int i = 0; i < native_.getNumGeometries(); i++) {
                        Polygon part = (Polygon) native_.getGeometryN(i);
                        Polygon partLonLat = (Polygon) (native_.getNumGeometries() == lonLat.getNumGeometries()
                                ? lonLat.getGeometryN(i) : transform(part, toLonLat));
                        double m2 = geographic ? Areas.geodesic(partLonLat) : part.getArea() * unitToMetre * unitToMetre;
                        Polygon written = nativeOut ? (geographic ? partLonLat : part) : partLonLat;
                        json.polygon(written, b.phrase(), b.score(), index, m2);
                        area += m2;
                        count++;
                    }
                }
                targets.add(new SceneResult.SceneTarget(index, b.phrase(), b.score(), b.pixels(), area, count, b.tiles()));
                phrases.add(b.phrase());
                scores.add(b.score());
                quickMasks.add(b.quickMask());
            }
        }
        files.add("targets.geojson");
        if (!ImageIO.write(quickLook.render(phrases, scores, quickMasks), "png", staging.resolve("quicklook.png").toFile())) {
            throw new SegEarthException("no PNG writer available for the quick-look");
        }
        files.add("quicklook.png");
        SceneResult result = new SceneResult(s.width(), s.height(), crs.getName().getCode(), layout.count(), skipped,
                stretch.toString(), targets, List.of());
        files.add("scene.json");
        result = new SceneResult(result.width(), result.height(), result.crs(), result.tiles(), result.skippedTiles(),
                result.stretch(), targets, files);
        Files.writeString(staging.resolve("scene.json"), SceneJson.toJson(s.file(), result), StandardCharsets.UTF_8);
        return result;
    }

    private static Geometry valid(Geometry g) {
        return g.isValid() ? g : GeometryFixer.fix(g);
    }

    private static double metresPerUnit(CoordinateReferenceSystem crs) {
        javax.measure.Unit<?> unit = crs.getCoordinateSystem().getAxis(0).getUnit();
        try {
            return unit.asType(javax.measure.quantity.Length.class).getConverterTo(Units.METRE).convert(1.0);
        } catch (ClassCastException e) {
            return Double.NaN;
        }
    }

    private static String crsUrn(CoordinateReferenceSystem crs, boolean geographic) {
        if (geographic) {
            return "urn:ogc:def:crs:OGC:1.3:CRS84"; // longitude first, as written
        }
        try {
            Integer code = IdentifiedObjects.lookupEPSG(crs);
            return code == null ? null : "urn:ogc:def:crs:EPSG::" + code;
        } catch (FactoryException e) {
            return null;
        }
    }

    private static Geometry transform(Geometry g, MathTransform t) {
        Geometry copy = g.copy();
        copy.apply(new CoordinateSequenceFilter() {
            @Override
            public void filter(CoordinateSequence seq, int i) {
                double[] p = {seq.getX(i), seq.getY(i)};
                try {
                    t.transform(p, 0, p, 0, 1);
                } catch (TransformException e) {
                    throw new SegEarthException("a polygon vertex cannot be converted to WGS 84: " + e.getMessage(), e);
                }
                seq.setOrdinate(i, Coordinate.X, p[0]);
                seq.setOrdinate(i, Coordinate.Y, p[1]);
            }

            @Override
            public boolean isDone() {
                return false;
            }

            @Override
            public boolean isGeometryChanged() {
                return true;
            }
        });
        return copy;
    }
}
