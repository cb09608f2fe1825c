package org.segearth.samples;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;

/**
 * Several instructions on one image: the segmenter caches each image's features (both image
 * encoders' outputs, keyed by the pixels), so only the first instruction pays for the vision
 * encoder and the mask encoder; the others run the language model and the head only. The
 * per-stage timings of every call show it: {@code vision_encoder} and {@code mask_encoder} appear
 * in the first call and are gone from the next ones.
 *
 * <pre>
 * ManyInstructions MODEL_DIR IMAGE INSTRUCTION [INSTRUCTION...]
 * ManyInstructions models/segearth-r2 tile.jpg "segment the water" "segment the roads" "where could a boat dock?"
 * </pre>
 *
 * The core of it:
 *
 * <pre>{@code
 * try (Segmenter segmenter = Segmenter.builder().model(model).featureCacheSize(4).build()) {
 *     for (String instruction : instructions) {
 *         SegmentationResult r = segmenter.segment(ImageSource.of(image), instruction);   // encoders run once
 *         r.timings().forEach(t -> System.out.println(t.stage() + " " + t.duration().toMillis() + " ms"));
 *     }
 * }
 * }</pre>
 */
public final class ManyInstructions {

    private ManyInstructions() {}

    /** {@code ManyInstructions MODEL_DIR IMAGE INSTRUCTION [INSTRUCTION...]}. */
    public static void main(String[] args) {
        if (args.length < 3) {
            System.err.println("usage: ManyInstructions MODEL_DIR IMAGE INSTRUCTION [INSTRUCTION...]");
            System.exit(2);
        }
        try (Segmenter segmenter = Segmenter.builder().model(Path.of(args[0])).build()) {
            run(segmenter, Path.of(args[1]), Arrays.asList(args).subList(2, args.length));
        }
    }

    /**
     * Segments {@code image} with every instruction in turn on one segmenter and prints each call's
     * stage timings.
     *
     * @return the results, in the order of the instructions
     */
    public static List<SegmentationResult> run(Segmenter segmenter, Path image, List<String> instructions) {
        List<SegmentationResult> results = new ArrayList<>();
        for (String instruction : instructions) {
            SegmentationResult r = segmenter.segment(ImageSource.of(image), instruction);
            results.add(r);
            boolean encoded = r.timings().stream().anyMatch(t -> t.stage().equals("vision_encoder"));
            System.out.printf(Locale.ROOT, "%-36s %d target(s) in %5d ms, image features %s%n", '"' + instruction + '"',
                    r.targets().size(), r.total().toMillis(), encoded ? "computed" : "from the cache");
            System.out.println("    " + r.timings().stream()
                    .map(t -> String.format(Locale.ROOT, "%s %.1f ms", t.stage(), t.duration().toNanos() / 1e6))
                    .collect(Collectors.joining(", ")));
        }
        return results;
    }
}
