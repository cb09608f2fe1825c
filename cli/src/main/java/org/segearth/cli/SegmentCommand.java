package org.segearth.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.segearth.api.ImageSource;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import org.segearth.api.Target;
import org.segearth.geo.GeoScene;
import org.segearth.geo.SceneOptions;
import org.segearth.geo.SceneResult;
import org.segearth.geo.SceneSegmenter;
import org.segearth.runtime.render.AttentionHeatmap;
import org.segearth.runtime.render.Overlay;
import org.segearth.runtime.render.ResultJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth segment}: one image, one or several instructions, one mask per target. */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {
            "Segments an image from an instruction.",
            "Writes result.json (answer, targets with phrase, score, box, area and COCO RLE mask),",
            "mask-<i>.png per target and overlay.png to --out. An --out that holds other files or a",
            "run with other settings is refused unless --overwrite; files of an earlier run that this",
            "one does not write again (masks of targets it no longer finds) are removed.",
            "A GeoTIFF scene is cut into tiles and gives mask-<i>.tif per target (the scene's grid and CRS),",
            "targets.geojson, quicklook.png and scene.json; a folder or a glob segments every image in it,",
            "each into its own folder in --out, with summary.json (a bad file is reported, the rest go on).",
            "With several --instruction, each one's outputs go into a folder of --out named",
            "after it; a scene runs them tile by tile, each tile encoded once for all of them."})
final class SegmentCommand implements Callable<Integer>, ErrorHandler.Described {

    @Option(names = "--image", required = true, paramLabel = "FILE|DIR|GLOB",
            description = "PNG, JPEG or TIFF image, a GeoTIFF scene, or a folder or quoted glob of them (a batch).")
    Path image;

    @Option(names = "--bands", split = ",", paramLabel = "R,G,B",
            description = "GeoTIFF: 1-based bands used as red, green, blue, or one band repeated (default: the RGB"
                    + " bands where the file says so, else the first three, else the one band).")
    List<Integer> bands;

    @Option(names = "--stretch", split = ",", paramLabel = "MIN,MAX",
            description = "GeoTIFF: the sample range mapped to 0..255 in every band (default: 0..255 for 8-bit data,"
                    + " else per band the 2-98 %% percentiles of the smallest overview of at least 256 x 256 pixels, or of a"
                    + " sample of windows).")
    List<Double> stretch;

    @Option(names = "--tile", defaultValue = "0", paramLabel = "PX",
            description = "GeoTIFF: tile side (default: the model's mask-branch input side, 1024 for SegEarth-R2,"
                    + " 224 for the demo model: the model sees the scene at its own resolution).")
    int tile;

    @Option(names = "--gsd", defaultValue = "0", paramLabel = "M",
            description = "GeoTIFF: instead of --tile, resample tiles so that one pixel of the model's input covers M"
                    + " metres of ground (tile = input side x M / the scene's ground sample distance, 64 to 8 x the"
                    + " input side) (default: none).")
    double gsd;

    @Option(names = "--tile-batch", defaultValue = "2", paramLabel = "N",
            description = "GeoTIFF: tiles of a row encoded together in one batch, 1 to 16 (at most the feature cache's 4);"
                    + " 1 for one at a time, the least memory (default: ${DEFAULT-VALUE}).")
    int tileBatch;

    @Option(names = "--overlap", defaultValue = "-1", paramLabel = "PX",
            description = "GeoTIFF: pixels shared by neighbouring tiles, blended on logits (default: an eighth of the tile).")
    int overlap;

    @Option(names = "--simplify", defaultValue = "1", paramLabel = "PX",
            description = "GeoTIFF: polygon simplification tolerance in pixels, 0 for none (default: ${DEFAULT-VALUE}).")
    double simplify;

    @Option(names = "--vector-crs", defaultValue = "wgs84", paramLabel = "CRS",
            description = "GeoTIFF: polygons in wgs84 (RFC 7946 GeoJSON) or native (the scene's CRS) (default: ${DEFAULT-VALUE}).")
    String vectorCrs;

    @Option(names = "--instruction", required = true, paramLabel = "TEXT",
            description = "What to segment; repeat it for several instructions on one image (one folder each in --out).")
    List<String> instructions;

    @Option(names = "--answer", paramLabel = "TEXT",
            description = "Teacher-forced: the answer with one [SEG] per target, instead of generating one (a GeoTIFF:"
                    + " every tile is segmented with it); with several --instruction, one --answer each, in order.")
    List<String> answers;

    @Mixin
    ModelOptions model;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--out", defaultValue = "segearth-out", paramLabel = "DIR", description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--max-new-tokens", defaultValue = "128", description = "Most tokens of the answer (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--seed", defaultValue = "42", description = "Sampling seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--heatmaps", description = "Also write each target's [SEG] -> image attention as heatmap-<i>.png.")
    boolean heatmaps;

    @Option(names = "--json", description = "Print result.json (a scene: scene.json; several instructions: a JSON array of them) to"
            + " standard output instead of a summary.")
    boolean json;

    @Option(names = "--overwrite",
            description = "Write into an --out that holds other files or another run (only segearth's files are replaced).")
    boolean overwrite;

    @Spec
    CommandSpec spec;

    /** The names of the files this command writes. */
    private static final Pattern OUTPUTS = Pattern.compile("result\\.json|overlay\\.png|(mask|heatmap)-\\d+\\.png|"
            + SceneSegmenter.OUTPUTS.pattern() + "|summary\\.json");

    @Override
    public String work() {
        return "segmenting " + image + " with " + model.described();
    }

    /** The instructions with their answers (null: generated), checked. */
    List<SceneSegmenter.Instruction> requests() {
        if (answers != null && answers.size() != instructions.size()) {
            throw new org.segearth.api.InvalidInputException("give one --answer per --instruction: " + instructions.size()
                    + " instruction" + (instructions.size() == 1 ? "" : "s") + ", " + answers.size() + " answer"
                    + (answers.size() == 1 ? "" : "s"));
        }
        List<SceneSegmenter.Instruction> requests = new ArrayList<>();
        for (int i = 0; i < instructions.size(); i++) {
            requests.add(new SceneSegmenter.Instruction(instructions.get(i), answers == null ? null : answers.get(i)));
        }
        return requests;
    }

    @Override
    public Integer call() throws IOException {
        for (String instruction : instructions) {
            Inputs.checkInstruction("--instruction", instruction);
        }
        List<SceneSegmenter.Instruction> requests = requests();
        Inputs.checkDevice(device);
        OutputFolder.checkUsable(out, "--out");
        if (SceneRun.isBatch(image)) {
            return batch();
        }
        if (SceneRun.isGeoTiff(image)) {
            return scene();
        }
        // one decode: the picture's pixels are the model's input and the overlay's background
        BufferedImage picture = Inputs.readPicture(image);
        Path modelRoot = model.root();
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record(modelRoot), overwrite);
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SegmenterBuilder builder = builder(modelRoot);
        List<SegmentationResult> results;
        progress.stage("loading model");
        try (Segmenter segmenter = builder.build()) {
            progress.stage("segmenting");
            results = segmentPlain(segmenter, requests, picture);
        }
        progress.done();
        List<String> written = writePlain(requests, results, picture, out);
        OutputFolder.removeStale(out, folder.previous(), written, OUTPUTS);
        OutputFolder.write(out, record(modelRoot).withFiles(written));
        PrintWriter stdout = spec.commandLine().getOut();
        List<String> folders = SceneSegmenter.folders(requests);
        if (json && results.size() == 1) {
            stdout.println(ResultJson.toJson(results.get(0)));
        } else if (json) {
            stdout.println("[" + String.join(",\n", results.stream().map(ResultJson::toJson).toList()) + "]");
        } else {
            for (int i = 0; i < results.size(); i++) {
                if (results.size() > 1) {
                    stdout.println(requests.get(i).text() + " -> " + out.resolve(folders.get(i)));
                }
                summarise(stdout, results.get(i));
            }
        }
        return ExitCodes.OK;
    }

    /** A plain image with every instruction (its features encoded once, then cached). */
    private static List<SegmentationResult> segmentPlain(Segmenter segmenter, List<SceneSegmenter.Instruction> requests,
            BufferedImage picture) {
        ImageSource source = ImageSource.of(picture);
        List<SegmentationResult> results = new ArrayList<>();
        for (SceneSegmenter.Instruction r : requests) {
            results.add(r.answer() == null ? segmenter.segment(source, r.text())
                    : segmenter.segmentWithAnswer(source, r.text(), r.answer()));
        }
        return results;
    }

    /** Writes each plain result into its instruction's folder; returns the names written, relative to {@code out}. */
    private List<String> writePlain(List<SceneSegmenter.Instruction> requests, List<SegmentationResult> results,
            BufferedImage picture, Path out) throws IOException {
        List<String> folders = SceneSegmenter.folders(requests);
        List<String> written = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            String prefix = folders.get(i).isEmpty() ? "" : folders.get(i) + "/";
            for (String name : write(results.get(i), picture, out.resolve(folders.get(i)))) {
                written.add(prefix + name);
            }
        }
        return written;
    }

    private SegmenterBuilder builder(Path modelRoot) {
        return model.builder(modelRoot)
                .device(device)
                .maxNewTokens(maxNewTokens)
                .temperature(temperature)
                .seed(seed)
                .attentionHeatmaps(heatmaps);
    }

    /** A GeoTIFF scene: tiled by the geo module, outputs on the scene's grid. */
    private Integer scene() throws IOException {
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SceneRun.options(this, progress); // checks the flags before the model loads
        GeoScene.open(image).close(); // an unsupported CRS, sample format or compression fails before the model loads
        Path modelRoot = model.root();
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record(modelRoot), overwrite);
        List<SceneSegmenter.InstructionResult> results;
        progress.stage("loading model");
        try (Segmenter segmenter = builder(modelRoot).maskLogits(true).build()) {
            results = SceneRun.scene(segmenter, this, image, out, progress);
        }
        progress.done();
        List<String> written = SceneRun.files(results);
        OutputFolder.removeStale(out, folder.previous(), written, OUTPUTS);
        OutputFolder.write(out, record(modelRoot).withFiles(written));
        PrintWriter stdout = spec.commandLine().getOut();
        if (json && results.size() == 1) {
            stdout.print(Files.readString(out.resolve("scene.json"), StandardCharsets.UTF_8));
        } else if (json) {
            List<String> scenes = new ArrayList<>();
            for (SceneSegmenter.InstructionResult r : results) {
                scenes.add(Files.readString(out.resolve(r.folder()).resolve("scene.json"), StandardCharsets.UTF_8).strip());
            }
            stdout.println("[" + String.join(",\n", scenes) + "]");
        } else {
            for (SceneSegmenter.InstructionResult r : results) {
                if (results.size() > 1) {
                    stdout.println(r.instruction().text() + " -> " + out.resolve(r.folder()));
                }
                SceneRun.summarise(stdout, r.result());
            }
        }
        return ExitCodes.OK;
    }

    /** A folder or glob: each image into its own folder, a bad file reported and skipped. */
    private Integer batch() throws IOException {
        List<Path> images = SceneRun.expand(image);
        List<SceneSegmenter.Instruction> requests = requests();
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SceneRun.options(this, progress);
        Path modelRoot = model.root();
        OutputFolder.prepare(out, "--out", record(modelRoot), overwrite);
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        List<SceneRun.Outcome> outcomes = new ArrayList<>();
        Map<String, Integer> used = new LinkedHashMap<>();
        progress.stage("loading model");
        try (Segmenter segmenter = builder(modelRoot).maskLogits(true).build()) {
            for (Path img : images) {
                String name = SceneRun.folderName(img, used);
                Path dir = out.resolve(name);
                try {
                    int targets;
                    if (SceneRun.isGeoTiff(img)) {
                        targets = SceneRun.scene(segmenter, this, img, dir, progress).stream()
                                .mapToInt(r -> r.result().targets().size()).sum();
                    } else {
                        progress.stage("segmenting " + img.getFileName());
                        BufferedImage picture = Inputs.readPicture(img);
                        List<SegmentationResult> rs = segmentPlain(segmenter, requests, picture);
                        Files.createDirectories(dir);
                        writePlain(requests, rs, picture, dir);
                        targets = rs.stream().mapToInt(r -> r.targets().size()).sum();
                    }
                    outcomes.add(new SceneRun.Outcome(img, name, "ok", targets, null));
                    stdout.println(img + ": " + targets + (targets == 1 ? " target" : " targets") + " -> " + dir);
                } catch (SegEarthException | java.io.UncheckedIOException e) {
                    String why = ErrorHandler.firstLine(String.valueOf(e.getMessage()));
                    outcomes.add(new SceneRun.Outcome(img, name, "error", 0, why));
                    stderr.println("segearth: skipped " + img + ": " + why);
                }
            }
        }
        progress.done();
        SceneRun.writeSummary(out, outcomes);
        List<String> written = new ArrayList<>(List.of("summary.json"));
        OutputFolder.write(out, record(modelRoot).withFiles(written));
        long failed = outcomes.stream().filter(o -> !o.status().equals("ok")).count();
        stdout.println(String.format(Locale.ROOT, "%d of %d images segmented; summary in %s", images.size() - failed,
                images.size(), out.resolve("summary.json")));
        return failed == 0 ? ExitCodes.OK : ExitCodes.BAD_INPUT;
    }

    /** What decides this run's outputs. */
    private OutputFolder.Record record(Path modelRoot) throws IOException {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("image", image.toAbsolutePath().normalize().toString());
        s.put("image_bytes", Files.isRegularFile(image) ? Long.toString(Files.size(image)) : "(batch)");
        if (SceneRun.isBatch(image) || SceneRun.isGeoTiff(image)) {
            s.put("bands", String.valueOf(bands));
            s.put("stretch", String.valueOf(stretch));
            s.put("tile", Integer.toString(tile));
            s.put("overlap", Integer.toString(overlap));
            if (gsd != 0) {
                s.put("gsd", Double.toString(gsd));
            }
            if (tileBatch != SceneOptions.DEFAULT_TILE_BATCH) {
                s.put("tile_batch", Integer.toString(tileBatch));
            }
            s.put("simplify", Double.toString(simplify));
            s.put("vector_crs", vectorCrs);
        }
        s.put("instruction", instructions.size() == 1 ? instructions.get(0) : instructions.toString());
        s.put("answer", answers == null ? "(generated)" : answers.size() == 1 ? answers.get(0) : answers.toString());
        s.put("head", model.recordedHead());
        s.put("model", model.recorded());
        s.put("model_identity", ModelIdentity.of(modelRoot));
        s.put("max_new_tokens", Integer.toString(maxNewTokens));
        s.put("temperature", Double.toString(temperature));
        s.put("seed", Long.toString(seed));
        s.put("heatmaps", Boolean.toString(heatmaps));
        s.put("precision", model.precision);
        return new OutputFolder.Record("segment", s, List.of());
    }

    /**
     * Writes every output into a temporary folder inside {@code out}, then renames each file into
     * place (atomically, replacing the earlier run's); returns the names written.
     */
    private List<String> write(SegmentationResult result, BufferedImage picture, Path out) throws IOException {
        Files.createDirectories(out);
        Path staging = Cleanup.register(Files.createTempDirectory(out, ".segearth-tmp-"));
        try {
            List<String> names = new ArrayList<>();
            Files.writeString(staging.resolve("result.json"), ResultJson.toJson(result), StandardCharsets.UTF_8);
            names.add("result.json");
            for (Target t : result.targets()) {
                String mask = "mask-" + t.index() + ".png";
                t.mask().writePng(staging.resolve(mask));
                names.add(mask);
                if (heatmaps && t.attention().isPresent()) {
                    String heat = "heatmap-" + t.index() + ".png";
                    png(AttentionHeatmap.render(picture, t.attention().get()), staging.resolve(heat));
                    names.add(heat);
                }
            }
            // drawn a row at a time as the PNG writer asks: no full-size copy of a large picture
            Overlay.writePng(picture, result.targets(), staging.resolve("overlay.png"));
            names.add("overlay.png");
            for (String name : names) {
                Files.move(staging.resolve(name), out.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            }
            return names;
        } finally {
            Cleanup.remove(staging);
        }
    }

    private static void png(BufferedImage image, Path file) throws IOException {
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new SegEarthException("no PNG writer available to write " + file);
        }
    }

    private static void summarise(PrintWriter out, SegmentationResult result) {
        out.println("answer: " + result.answer());
        out.println(result.targets().size() + (result.targets().size() == 1 ? " target" : " targets"));
        for (Target t : result.targets()) {
            out.println(String.format(Locale.ROOT, "  [%d] %s  score=%.3f  area=%d  box=%s", t.index(),
                    t.phrase().isEmpty() ? "(no phrase)" : t.phrase(), t.score(), t.area(),
                    t.box().map(b -> b.x() + "," + b.y() + "," + b.width() + "x" + b.height()).orElse("-")));
        }
        out.println(String.format(Locale.ROOT, "time: %d ms", result.total().toMillis()));
    }
}
