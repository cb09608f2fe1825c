package org.segearth.runtime.data;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import javax.imageio.ImageIO;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;

/**
 * Reads images and label images (PNG, JPEG, TIFF, BMP: whatever {@link ImageIO} reads).
 *
 * <pre>{@code
 * BufferedImage image = ImageFiles.read(Path.of("images/17.tif"));
 * Mask target = ImageFiles.readMask(Path.of("masks/17.tif"), v -> v == 255);
 * }</pre>
 */
public final class ImageFiles {

    private ImageFiles() {}

    /** Reads the image in {@code file}. */
    public static BufferedImage read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SegEarthException("image " + file + " does not exist");
        }
        BufferedImage image;
        try {
            image = ImageIO.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            throw new SegEarthException("cannot read image " + file + ": " + e.getMessage(), e);
        }
        if (image == null) {
            throw new SegEarthException("image " + file + " is in a format no installed ImageIO reader knows");
        }
        return image;
    }

    /** A mask of the pixels of {@code file}'s first band for which {@code target} holds. */
    public static Mask readMask(Path file, IntPredicate target) {
        BufferedImage image = read(file);
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        boolean[] pixels = new boolean[w * h];
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                pixels[y * w + x] = target.test(row[x]);
            }
        }
        return Mask.fromBooleans(pixels, w, h);
    }
}
