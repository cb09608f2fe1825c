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
            "one does not write again (masks of targets it no longer finds) are removed."})
final class SegmentCommand implements Callable<Integer>, ErrorHandler.Described {

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "PNG, JPEG or TIFF image.")
    Path image;

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
    private static final Pattern OUTPUTS = Pattern.compile("result\\.json|overlay\\.png|(mask|heatmap)-\\d+\\.png");

    @Override
    public String work() {
        return "segmenting " + image + " with " + (model == null ? "the embedded demo model" : "the model package " + model);
    }

    @Override
    public Integer call() throws IOException {
        Inputs.checkInstruction("--instruction", instruction);
        Inputs.checkDevice(device);
        OutputFolder.checkUsable(out, "--out");
        // one decode: the picture's pixels are the model's input and the overlay's background
        BufferedImage picture = Inputs.readPicture(image);
        Path modelRoot = Inputs.modelRoot(model);
        OutputFolder.Prepared folder = OutputFolder.prepare(out, "--out", record(modelRoot), overwrite);
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
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
        SegmentationResult result;
        progress.stage("loading model");
        try (Segmenter segmenter = builder.build()) {
            progress.stage("segmenting");
            ImageSource source = ImageSource.of(picture);
            result = answer == null ? segmenter.segment(source, instruction)
                    : segmenter.segmentWithAnswer(source, instruction, answer);
        }
        progress.done();
        List<String> written = write(result, picture);
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

    /** What decides this run's outputs. */
    private OutputFolder.Record record(Path modelRoot) throws IOException {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("image", image.toAbsolutePath().normalize().toString());
        s.put("image_bytes", Long.toString(Files.size(image)));
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
    private List<String> write(SegmentationResult result, BufferedImage picture) throws IOException {
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
            png(Overlay.render(picture, result.targets()), staging.resolve("overlay.png"));
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
