package org.segearth.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.segearth.api.Heatmap;
import org.segearth.api.ImageSource;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import org.segearth.api.Target;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.render.Overlay;
import org.segearth.runtime.render.ResultJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth segment}: one image, one instruction, one mask per target. */
@Command(name = "segment",
        description = {
            "Segments an image from an instruction. Writes result.json (answer, targets with phrase,",
            "score, box, area and COCO RLE mask), mask-<i>.png per target and overlay.png to --out."})
final class SegmentCommand implements Callable<Integer> {

    @Option(names = "--image", required = true, paramLabel = "FILE", description = "PNG, JPEG or TIFF image.")
    Path image;

    @Option(names = "--instruction", required = true, paramLabel = "TEXT", description = "What to segment.")
    String instruction;

    @Option(names = "--answer", paramLabel = "TEXT",
            description = "Teacher-forced: the answer with one [SEG] per target, instead of generating one.")
    String answer;

    @Option(names = "--model", paramLabel = "DIR", description = "Model package (default: the embedded demo model).")
    Path model;

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

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        ProgressDisplay progress = new ProgressDisplay(spec.commandLine().getErr(), !json);
        SegmenterBuilder builder = Segmenter.builder()
                .device(device)
                .maxNewTokens(maxNewTokens)
                .temperature(temperature)
                .seed(seed)
                .attentionHeatmaps(heatmaps);
        if (model != null) {
            builder.model(model);
        }
        if (head != null) {
            builder.head(head);
        }
        RgbImage rgb = ImageDecoder.defaults().read(image);
        SegmentationResult result;
        progress.stage("loading model");
        try (Segmenter segmenter = builder.build()) {
            progress.stage("segmenting");
            ImageSource source = ImageSource.ofRgb(rgb.toBytes(), rgb.width(), rgb.height());
            result = answer == null ? segmenter.segment(source, instruction)
                    : segmenter.segmentWithAnswer(source, instruction, answer);
        }
        progress.done();
        write(result, toBufferedImage(rgb));
        PrintWriter stdout = spec.commandLine().getOut();
        if (json) {
            stdout.println(ResultJson.toJson(result));
        } else {
            summarise(stdout, result);
        }
        return ExitCodes.OK;
    }

    private void write(SegmentationResult result, BufferedImage picture) throws IOException {
        Files.createDirectories(out);
        Files.writeString(out.resolve("result.json"), ResultJson.toJson(result), StandardCharsets.UTF_8);
        for (Target t : result.targets()) {
            t.mask().writePng(out.resolve("mask-" + t.index() + ".png"));
            if (heatmaps && t.attention().isPresent()) {
                ImageIO.write(heatmapImage(t.attention().get(), picture.getWidth(), picture.getHeight()), "png",
                        out.resolve("heatmap-" + t.index() + ".png").toFile());
            }
        }
        if (!ImageIO.write(Overlay.render(picture, result.targets()), "png", out.resolve("overlay.png").toFile())) {
            throw new SegEarthException("no PNG writer available to write " + out.resolve("overlay.png"));
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

    static BufferedImage toBufferedImage(RgbImage rgb) {
        BufferedImage image = new BufferedImage(rgb.width(), rgb.height(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < rgb.height(); y++) {
            for (int x = 0; x < rgb.width(); x++) {
                image.setRGB(x, y, (rgb.get(x, y, 0) << 16) | (rgb.get(x, y, 1) << 8) | rgb.get(x, y, 2));
            }
        }
        return image;
    }

    /** The heatmap stretched (nearest) to the image size, scaled to its maximum. */
    static BufferedImage heatmapImage(Heatmap h, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        float max = h.max() > 0 ? h.max() : 1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                float v = h.get(x * h.width() / width, y * h.height() / height);
                int g = Math.max(0, Math.min(255, Math.round(255 * v / max)));
                image.getRaster().setSample(x, y, 0, g);
            }
        }
        return image;
    }
}
