package org.segearth.runtime.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.segearth.api.Box;
import org.segearth.api.Mask;

/** Small datasets of each benchmark's layout, written into a folder. */
public final class Fixtures {

    private Fixtures() {}

    static void image(Path file, int w, int h, String format) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, (x * 10) << 16 | (y * 10) << 8 | 77);
            }
        }
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
    }

    static void label(Path file, Mask mask, int value, String format) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(mask.width(), mask.height(), BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < mask.height(); y++) {
            for (int x = 0; x < mask.width(); x++) {
                image.getRaster().setSample(x, y, 0, mask.get(x, y) ? value : 0);
            }
        }
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no writer for " + format);
        }
    }

    static void text(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** The first target of the LaSeRS fixture. */
    public static Mask lasersA() {
        return Mask.builder(8, 6).fill(new Box(1, 1, 3, 2)).build();
    }

    /** The second target of the LaSeRS fixture. */
    public static Mask lasersB() {
        return Mask.builder(8, 6).fill(new Box(5, 3, 2, 3)).build();
    }

    /**
     * LaSeRS: test/annotations/part.json (two records: two targets in compressed and uncompressed
     * RLE; one target) and implicit.json (one record with a dimension field), images 8x6.
     */
    public static Path lasers(Path root) throws IOException {
        image(root.resolve("test/images/a.png"), 8, 6, "png");
        image(root.resolve("test/images/b.png"), 8, 6, "png");
        String rleA = CocoMasks.toJson(lasersA().toRle()).toString();
        int[] c = lasersB().toRle().counts();
        StringBuilder counts = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            counts.append(i == 0 ? "" : ",").append(c[i]);
        }
        String rleB = "{\"size\":[6,8],\"counts\":[" + counts + "]}";
        text(root.resolve("test/annotations/part.json"), "[\n"
                + "{\"id\": \"p1\", \"image_name\": \"a.png\", \"description\": \" segment the two roofs \","
                + " \"answer\": \"the roofs [SEG] and [SEG]\", \"mask\": [" + rleA + ", " + rleB + "], \"source\": \"x\"},\n"
                + "{\"id\": 2, \"image_name\": \"b.png\", \"description\": \"the pool\", \"answer\": \"pool [SEG]\","
                + " \"mask\": [" + rleB + "]}\n]");
        text(root.resolve("test/annotations/implicit.json"), "[{\"id\": \"i1\", \"image_name\": \"a.png\","
                + " \"description\": \"where to land?\", \"answer\": \"here [SEG]\", \"mask\": [" + rleA + "],"
                + " \"dimension\": \"implicit-q\"}]");
        return root;
    }
}
