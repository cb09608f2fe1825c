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
import org.segearth.geo.SceneResult;
import org.segearth.geo.SceneSegmenter;
import org.segearth.runtime.render.AttentionHeatmap;
import org.segearth.runtime.render.Overlay;
import org.segearth.runtime.render.ResultJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth segment}: one image, one instruction, one mask per target. */
@Command(name = "segment", mixinStandardHelpOptions = true,
        description = {
            "Segments an image from an instruction.",
            "Writes result.json (answer, targets with phrase, score, box, area and COCO RLE mask),",
            "mask-<i>.png per target and overlay.png to --out. An --out that holds other files or a",
            "run with other settings is refused unless --overwrite; files of an earlier run that this",
            "one does not write again (masks of targets it no longer finds) are removed.",
            "A GeoTIFF scene is cut into tiles and gives mask-<i>.tif per target (the scene's grid and CRS),",
            "targets.geojson, quicklook.png and scene.json; a folder or a glob segments every image in it,",
            "each into its own folder in --out, with summary.json (a bad file is reported, the rest go on)."})
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
                    + " else per band the 2-98 % percentiles of a sample of windows).")
    List<Double> stretch;

    @Option(names = "--tile", defaultValue = "0", paramLabel = "PX",
            description = "GeoTIFF: tile side (default: the model's mask input, 1024).")
    int tile;

    @Option(names = "--overlap", defaultValue = "-1", paramLabel = "PX",
            description = "GeoTIFF: pixels shared by neighbouring tiles, blended on logits (default: an eighth of the tile).")
    int overlap;

    @Option(names = "--simplify", defaultValue = "1", paramLabel = "PX",
            description = "GeoTIFF: polygon simplification tolerance in pixels, 0 for none (default: ${DEFAULT-VALUE}).")
    double simplify;

    @Option(names = "--vector-crs", defaultValue = "wgs84", paramLabel = "CRS",
            description = "GeoTIFF: polygons in wgs84 (RFC 7946 GeoJSON) or native (the scene's CRS) (default: ${DEFAULT-VALUE}).")
    String vectorCrs;

    @Option(names = "--instruction", required = true, paramLabel = "TEXT", description = "What to segment.")
    String instruction;

    @Option(names = "--answer", paramLabel = "TEXT",
            description = "Teacher-forced: the answer with one [SEG] per target, instead of generating one.")
    String answer;

    @Option(names = "--model", paramLabel = "DIR", description = "Model package (default: the embedded demo model).")
    Path model;

    @Option(names = "--precision", defaultValue = "auto", paramLabel = "P",
            description = "Weights stored in 16 bits: auto (kept in 16 bits, products widened to float32, decoding in"
                    + " float16), f16-upcast, f16 or f32 (twice the memory) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--head", paramLabel = "NAME", description = "Segmentation head: mask2former or sam (default: the package's).")
    String head;

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

    @Option(names = "--json", description = "Print result.json to standard output instead of a summary.")
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
        return "segmenting " + image + " with " + (model == null ? "the embedded demo model" : "the model package " + model);
    }

    @Override
    public Integer call() throws IOException {
        Inputs.checkInstruction("--instruction", instruction);
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
        Path modelRoot = Inputs.modelRoot(model);
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record(modelRoot), overwrite);
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SegmenterBuilder builder = builder(modelRoot);
        SegmentationResult result;
        progress.stage("loading model");
        try (Segmenter segmenter = builder.build()) {
            progress.stage("segmenting");
            ImageSource source = ImageSource.of(picture);
            result = answer == null ? segmenter.segment(source, instruction)
                    : segmenter.segmentWithAnswer(source, instruction, answer);
        }
        progress.done();
        List<String> written = write(result, picture, out);
        OutputFolder.removeStale(out, folder.previous(), written, OUTPUTS);
        OutputFolder.write(out, record(modelRoot).withFiles(written));
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(ResultJson.toJson(result));
        } else {
            summarise(stdout, result);
        }
        return ExitCodes.OK;
    }

    private SegmenterBuilder builder(Path modelRoot) {
        SegmenterBuilder builder = Segmenter.builder()
                .model(modelRoot)
                .device(device)
                .maxNewTokens(maxNewTokens)
                .temperature(temperature)
                .seed(seed)
                .attentionHeatmaps(heatmaps)
                .precision(precision);
        if (head != null) {
            builder.head(head);
        }
        return builder;
    }

    /** A GeoTIFF scene: tiled by the geo module, outputs on the scene's grid. */
    private Integer scene() throws IOException {
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SceneRun.options(this, progress); // checks the flags before the model loads
        GeoScene.open(image).close(); // an unsupported CRS, sample format or compression fails before the model loads
        Path modelRoot = Inputs.modelRoot(model);
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record(modelRoot), overwrite);
        SceneResult result;
        progress.stage("loading model");
        try (Segmenter segmenter = builder(modelRoot).maskLogits(true).build()) {
            result = SceneRun.scene(segmenter, this, image, out, progress);
        }
        progress.done();
        OutputFolder.removeStale(out, folder.previous(), result.files(), OUTPUTS);
        OutputFolder.write(out, record(modelRoot).withFiles(result.files()));
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.print(Files.readString(out.resolve("scene.json"), StandardCharsets.UTF_8));
        } else {
            SceneRun.summarise(stdout, result);
        }
        return ExitCodes.OK;
    }

    /** A folder or glob: each image into its own folder, a bad file reported and skipped. */
    private Integer batch() throws IOException {
        List<Path> images = SceneRun.expand(image);
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SceneRun.options(this, progress);
        Path modelRoot = Inputs.modelRoot(model);
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
                        targets = SceneRun.scene(segmenter, this, img, dir, progress).targets().size();
                    } else {
                        progress.stage("segmenting " + img.getFileName());
                        BufferedImage picture = Inputs.readPicture(img);
                        SegmentationResult r = answer == null ? segmenter.segment(ImageSource.of(picture), instruction)
                                : segmenter.segmentWithAnswer(ImageSource.of(picture), instruction, answer);
                        Files.createDirectories(dir);
                        write(r, picture, dir);
                        targets = r.targets().size();
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
            s.put("simplify", Double.toString(simplify));
            s.put("vector_crs", vectorCrs);
        }
        s.put("instruction", instruction);
        s.put("answer", answer == null ? "(generated)" : answer);
        s.put("head", head == null ? "(the package's)" : head);
        s.put("model", model == null ? "(embedded demo model)" : model.toAbsolutePath().normalize().toString());
        s.put("model_identity", ModelIdentity.of(modelRoot));
        s.put("max_new_tokens", Integer.toString(maxNewTokens));
        s.put("temperature", Double.toString(temperature));
        s.put("seed", Long.toString(seed));
        s.put("heatmaps", Boolean.toString(heatmaps));
        s.put("precision", precision);
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
