package org.segearth.api;

import java.awt.image.BufferedImage;
import java.nio.file.Path;

/**
 * Language-guided segmentation of remote-sensing images: an image and an instruction in, the
 * model's answer and one mask per target out. Thread-safe; image features are cached per image
 * so several instructions on one image run the encoders once. Close it to free native memory.
 *
 * <pre>{@code
 * // from the QuickStart sample
 * try (Segmenter segmenter = Segmenter.builder().model(Path.of("segearth-r2")).build()) {
 *     SegmentationResult result = segmenter.segment(ImageSource.of(Path.of("port.png")), "segment the ships and the cranes");
 *     for (Target t : result.targets()) {
 *         System.out.printf("%d %s score=%.2f area=%d box=%s%n", t.index(), t.phrase(), t.score(), t.area(), t.box());
 *     }
 *     // teacher-forced: exactly the targets of a given answer
 *     SegmentationResult forced = segmenter.segmentWithAnswer(ImageSource.of(Path.of("port.png")),
 *             "segment the ships and the cranes", "the ships [SEG] and the cranes [SEG]");
 * }
 * }</pre>
 */
public interface Segmenter extends AutoCloseable {

    /** A builder; see {@link SegmenterBuilder}. */
    static SegmenterBuilder builder() {
        return new SegmenterBuilder();
    }

    /**
     * Generative mode: the model writes the answer, with one {@code [SEG]} per target.
     *
     * @throws InvalidInputException for a null, blank or too long instruction, or an unusable image
     */
    SegmentationResult segment(ImageSource image, String instruction);

    /** {@link #segment(ImageSource, String)} on an image file. */
    default SegmentationResult segment(Path imageFile, String instruction) {
        return segment(ImageSource.of(imageFile), instruction);
    }

    /** {@link #segment(ImageSource, String)} on an image in memory. */
    default SegmentationResult segment(BufferedImage image, String instruction) {
        return segment(ImageSource.of(image), instruction);
    }

    /**
     * Teacher-forced mode (as the official evaluation does): the caller gives the answer text with
     * its {@code [SEG]}s and gets one mask per {@code [SEG]}.
     */
    SegmentationResult segmentWithAnswer(ImageSource image, String instruction, String answer);

    /** Frees native memory; idempotent. */
    @Override
    void close();
}
