package org.segearth.runtime.pipeline;

import org.segearth.api.InvalidInputException;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;

/** Checks of what callers hand the pipeline. */
final class Inputs {

    /** The smallest image side the preprocessings accept. */
    static final int MIN_SIDE = 2;

    private Inputs() {}

    /** {@code instruction} stripped; fails for null, empty or blank. */
    static String requireInstruction(String instruction) {
        if (instruction == null) {
            throw new InvalidInputException("the instruction is null; give a request such as \"segment the ships\"");
        }
        if (instruction.isBlank()) {
            throw new InvalidInputException("the instruction is empty or blank; give a request such as"
                    + " \"segment the ships\"");
        }
        return instruction.strip();
    }

    /** Fails for images smaller than {@link #MIN_SIDE} or larger than the decoder's pixel limit. */
    static RgbImage requireImageSize(RgbImage image, long maxPixels) {
        if (image.width() < MIN_SIDE || image.height() < MIN_SIDE) {
            throw new InvalidInputException("image of " + image.width() + "x" + image.height()
                    + " pixels is too small; both sides must be at least " + MIN_SIDE);
        }
        if ((long) image.width() * image.height() > maxPixels) {
            throw new InvalidInputException("image of " + image.width() + "x" + image.height() + " pixels exceeds the"
                    + " limit of " + maxPixels + " pixels; tile the scene");
        }
        return image;
    }

    /** The decoder's default pixel limit. */
    static long defaultMaxPixels() {
        return ImageDecoder.DEFAULT_MAX_PIXELS;
    }
}
