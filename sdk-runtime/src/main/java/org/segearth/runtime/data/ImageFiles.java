package org.segearth.runtime.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import org.segearth.api.Mask;
import org.segearth.runtime.image.ImageDecoder;

/**
 * Reads dataset images and label images with the SDK's one decoder ({@link ImageDecoder}): the
 * same formats, Pillow-consistent colour conversion (CMYK, palettes, 16 bits), pixel and heap
 * limits, and refusal of truncated or corrupt files as the segmenter itself, so that an evaluation
 * never scores a damaged image.
 *
 * <pre>{@code
 * BufferedImage image = ImageFiles.read(Path.of("images/17.tif"));
 * Mask target = ImageFiles.readMask(Path.of("masks/17.tif"), v -> v == 255);
 * }</pre>
 */
public final class ImageFiles {

    private ImageFiles() {}

    /**
     * Reads the image in {@code file} as 8-bit RGB (3 bytes per pixel, decoded once).
     *
     * @throws org.segearth.api.InvalidInputException when the file is missing, corrupt, truncated,
     *     unsupported or larger than the decoder's limit
     */
    public static BufferedImage read(Path file) {
        return ImageDecoder.defaults().readAsBufferedImage(file);
    }

    /**
     * A mask of the pixels of {@code file}'s first band for which {@code target} holds; the band's
     * samples are read as stored (a palette label image gives its indices).
     */
    public static Mask readMask(Path file, IntPredicate target) {
        BufferedImage image = ImageDecoder.defaults().readSamples(file);
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        Mask.Builder mask = Mask.builder(w, h);
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                if (target.test(row[x])) {
                    mask.set(x, y, true);
                }
            }
        }
        return mask.build();
    }
}
