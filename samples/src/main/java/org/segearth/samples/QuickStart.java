package org.segearth.samples;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.render.Overlay;

/**
 * Quick start: segment one image from an instruction that names several targets, print every
 * target (index, phrase, score, area, box) and save an overlay picture with one colour and one
 * label per target.
 *
 * <pre>
 * QuickStart MODEL_DIR IMAGE INSTRUCTION OVERLAY_PNG [ANSWER]
 * QuickStart models/segearth-r2 port.jpg "segment the ships and the cranes" overlay.png
 * </pre>
 *
 * <p>Without {@code ANSWER} the model writes its answer, one {@code [SEG]} per target it finds
 * (generative mode). With {@code ANSWER}, e.g. {@code "the ships [SEG] and the cranes [SEG]"}, the
 * model segments exactly the targets of that answer (teacher-forced mode: the masks alone are
 * measured; the official benchmark evaluation is generative). The core of it:
 *
 * <pre>{@code
 * try (Segmenter segmenter = Segmenter.builder().model(model).build()) {
 *     SegmentationResult result = segmenter.segment(ImageSource.of(image), instruction);
 *     for (Target t : result.targets()) {
 *         System.out.printf("%d %s score=%.2f area=%d box=%s%n", t.index(), t.phrase(), t.score(), t.area(), t.box());
 *     }
 *     ImageIO.write(Overlay.render(ImageIO.read(image.toFile()), result.targets()), "png", overlay.toFile());
 * }
 * }</pre>
 */
public final class QuickStart {

    private QuickStart() {}

    /** {@code QuickStart MODEL_DIR IMAGE INSTRUCTION OVERLAY_PNG [ANSWER]}. */
    public static void main(String[] args) {
        if (args.length < 4 || args.length > 5) {
            System.err.println("usage: QuickStart MODEL_DIR IMAGE INSTRUCTION OVERLAY_PNG [ANSWER]");
            System.exit(2);
        }
        try (Segmenter segmenter = Segmenter.builder().model(Path.of(args[0])).build()) {
            run(segmenter, Path.of(args[1]), args[2], args.length == 5 ? args[4] : null, Path.of(args[3]));
        }
    }

    /**
     * Segments {@code image} with {@code segmenter}, prints its targets and writes the overlay to
     * {@code overlay}.
     *
     * @param answer the answer to segment (teacher-forced), or null to let the model write it
     * @return the result
     */
    public static SegmentationResult run(Segmenter segmenter, Path image, String instruction, String answer,
            Path overlay) {
        ImageSource source = ImageSource.of(image);
        SegmentationResult result = answer == null ? segmenter.segment(source, instruction)
                : segmenter.segmentWithAnswer(source, instruction, answer);
        System.out.println("instruction: " + instruction);
        System.out.println("answer:      " + result.answer());
        System.out.println(result.targets().size() + " target(s) in " + result.total().toMillis() + " ms");
        for (Target t : result.targets()) {
            System.out.printf(Locale.ROOT, "  %d  %-28s score %.2f  area %7d px  box %s%n", t.index(),
                    '"' + t.phrase() + '"', t.score(), t.area(),
                    t.box().map(b -> "[x=" + b.x() + ", y=" + b.y() + ", w=" + b.width() + ", h=" + b.height() + "]")
                            .orElse("(empty mask)"));
        }
        writeOverlay(image, result, overlay);
        System.out.println("overlay:     " + overlay);
        return result;
    }

    /** Draws the targets over the image (one colour and label each) and saves it as PNG. */
    private static void writeOverlay(Path image, SegmentationResult result, Path overlay) {
        try {
            BufferedImage picture = Overlay.render(ImageIO.read(image.toFile()), result.targets());
            ImageIO.write(picture, "png", overlay.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + image + " or write " + overlay + ": " + e.getMessage(), e);
        }
    }
}
