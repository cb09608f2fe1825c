package org.segearth.samples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.segearth.api.ImageSource;
import org.segearth.api.Mask;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;

/**
 * Head ablation: the same language model, instruction and answer with the Mask2Former head and
 * with the SAM head in the head slot, compared target by target (the area each head gives and the
 * IoU between the two masks).
 *
 * <p>A model package holds one head checkpoint in {@code mask_head/}, so the two heads come as two
 * variants of one package: the same {@code mllm/} (and adapter), and in the second a SAM checkpoint
 * in {@code mask_head/} with its own [SEG] projector and the manifest's head set to {@code sam}. The
 * segmenter picks the head by provider name with {@code head(..)}; both runs are teacher-forced on
 * the same answer so that both heads segment the same targets.
 *
 * <pre>
 * HeadAblation MASK2FORMER_PACKAGE SAM_PACKAGE IMAGE INSTRUCTION ANSWER
 * HeadAblation models/r2-m2f models/r2-sam port.jpg "segment the ships and the port" "the ships [SEG] and the port [SEG]"
 * </pre>
 *
 * The core of it:
 *
 * <pre>{@code
 * try (Segmenter m2f = Segmenter.builder().model(m2fPackage).head("mask2former").build();
 *         Segmenter sam = Segmenter.builder().model(samPackage).head("sam").build()) {
 *     List<Target> a = m2f.segmentWithAnswer(ImageSource.of(image), instruction, answer).targets();
 *     List<Target> b = sam.segmentWithAnswer(ImageSource.of(image), instruction, answer).targets();
 *     double iou = (double) a.get(0).mask().intersectionArea(b.get(0).mask()) / a.get(0).mask().unionArea(b.get(0).mask());
 * }
 * }</pre>
 */
public final class HeadAblation {

    private HeadAblation() {}

    /**
     * The two heads' targets, in answer order, and the IoU of each pair of masks.
     *
     * @param mask2former the Mask2Former head's targets
     * @param sam the SAM head's targets
     * @param iou per target, the IoU of the two heads' masks (1 when both are empty)
     */
    public record Comparison(List<Target> mask2former, List<Target> sam, List<Double> iou) {
        public Comparison {
            mask2former = List.copyOf(mask2former);
            sam = List.copyOf(sam);
            iou = List.copyOf(iou);
        }
    }

    /** {@code HeadAblation MASK2FORMER_PACKAGE SAM_PACKAGE IMAGE INSTRUCTION ANSWER}. */
    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: HeadAblation MASK2FORMER_PACKAGE SAM_PACKAGE IMAGE INSTRUCTION ANSWER");
            System.exit(2);
        }
        run(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), args[3], args[4]);
    }

    /** Segments {@code image} with both heads, prints the comparison and returns it. */
    public static Comparison run(Path mask2formerPackage, Path samPackage, Path image, String instruction,
            String answer) {
        SegmentationResult a = segment(mask2formerPackage, "mask2former", image, instruction, answer);
        SegmentationResult b = segment(samPackage, "sam", image, instruction, answer);
        System.out.println("answer: " + answer);
        System.out.printf(Locale.ROOT, "  %-3s %-24s %12s %12s %6s%n", "#", "phrase", "mask2former", "sam", "IoU");
        List<Double> ious = new ArrayList<>();
        for (int i = 0; i < a.targets().size(); i++) {
            Target m = a.targets().get(i);
            Target s = b.targets().get(i);
            double iou = iou(m.mask(), s.mask());
            ious.add(iou);
            System.out.printf(Locale.ROOT, "  %-3d %-24s %9d px %9d px %6.3f%n", i, '"' + m.phrase() + '"', m.area(),
                    s.area(), iou);
        }
        System.out.printf(Locale.ROOT, "time: mask2former %d ms, sam %d ms%n", a.total().toMillis(), b.total().toMillis());
        return new Comparison(a.targets(), b.targets(), ious);
    }

    private static SegmentationResult segment(Path modelPackage, String head, Path image, String instruction,
            String answer) {
        try (Segmenter segmenter = Segmenter.builder().model(modelPackage).head(head).build()) {
            return segmenter.segmentWithAnswer(ImageSource.of(image), instruction, answer);
        }
    }

    /** Intersection over union of two masks of one image; 1 when both are empty (the heads agree). */
    static double iou(Mask a, Mask b) {
        long union = a.unionArea(b);
        return union == 0 ? 1.0 : (double) a.intersectionArea(b) / union;
    }
}
