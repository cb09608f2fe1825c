package org.segearth.demo;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.awt.Graphics2D;
import java.awt.Image;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.data.CocoMasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts the Dubai aerial set ({@code images/TileN_image_part_MMM.jpg} and
 * {@code masks_color/TileN_image_part_MMM.png}) into a LaSeRS-format dataset:
 * {@code {out}/{train|val}/images/*.jpg} and {@code {out}/{train|val}/annotations/{split}.json}, a
 * list of records {@code {"id", "image_name", "description", "answer", "mask": [RLE...], "category",
 * "classes"}} with one RLE per {@code [SEG]} in the answer.
 *
 * <p>Validation split: of Tile N, part N + 1 (Tile1 part 002, Tile2 part 003, ... Tile6 part 007).
 * Validation views are the whole tile and its four quadrants, without flips; training views are the
 * whole tile plus random square crops (35-85% of the short side), each randomly flipped and rotated by
 * a multiple of 90 degrees. Views are scaled down (area averaging for the image, nearest for the mask)
 * so that the longest side is at most {@link Options#maxSide()}.
 *
 * <p>A class is a target of a view when it covers at least {@link Options#minFraction()} of it; a
 * class with no pixel at all may become an {@code empty} sample (an instruction about it answered
 * without {@code [SEG]}, an empty {@code mask} list and the class under {@code absent}) with
 * probability {@link Options#emptyRate()} per training view. Mask pixels of colours outside the
 * palette (a few black pixels in some tiles) count as unlabeled. Every random choice comes from a
 * generator seeded by the seed and the tile's name, so the output is a function of the seed.
 *
 * <pre>{@code
 * Summary s = DubaiConverter.convert(Path.of("data/dubai"), Path.of("demo-data"), Options.defaults());
 * }</pre>
 */
public final class DubaiConverter {

    private static final Logger LOG = LoggerFactory.getLogger(DubaiConverter.class);
    private static final Pattern TILE = Pattern.compile("Tile(\\d+)_image_part_(\\d+)");
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /**
     * Conversion settings.
     *
     * @param seed         seed of every random choice
     * @param cropsPerTile training views per tile (the whole tile plus cropsPerTile - 1 random crops)
     * @param maxSide      longest side of the written images
     * @param minFraction  smallest area fraction for a class to be a target
     * @param emptyRate    probability per view of one "no target" sample (when a class is absent)
     */
    public record Options(long seed, int cropsPerTile, int maxSide, double minFraction, double emptyRate) {

        /** Seed 42, 12 views per training tile, 256 px, 0.5%, 5%. */
        public static Options defaults() {
            return new Options(42, 12, 256, 0.005, 0.05);
        }
    }

    /**
     * What a conversion wrote.
     *
     * @param images  images per split
     * @param records records per split
     * @param counts  split -> key -> records, where key is {@code category:<c>}, {@code class:<c>}
     *                (records with that class among their targets) or {@code absent:<c>}
     */
    public record Summary(Map<String, Integer> images, Map<String, Integer> records,
            Map<String, Map<String, Integer>> counts) {
    }

    private DubaiConverter() {
    }

    /** {@code DubaiConverter SOURCE OUT [SEED [CROPS_PER_TILE [MAX_SIDE]]]}. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: DubaiConverter SOURCE_DIR OUT_DIR [SEED [CROPS_PER_TILE [MAX_SIDE]]]");
            System.exit(2);
        }
        Options d = Options.defaults();
        Options o = new Options(args.length > 2 ? Long.parseLong(args[2]) : d.seed(),
                args.length > 3 ? Integer.parseInt(args[3]) : d.cropsPerTile(),
                args.length > 4 ? Integer.parseInt(args[4]) : d.maxSide(), d.minFraction(), d.emptyRate());
        Summary s = convert(Path.of(args[0]), Path.of(args[1]), o);
        System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(s));
    }

    /** Whether a tile is held out for validation: part N + 1 of Tile N. */
    public static boolean isValidation(String stem) {
        Matcher m = TILE.matcher(stem);
        if (!m.find()) {
            throw new SegEarthException("tile name '" + stem + "' does not match TileN_image_part_MMM; expected the "
                    + "Dubai set's file names");
        }
        return Integer.parseInt(m.group(2)) == Integer.parseInt(m.group(1)) + 1;
    }

    /** Converts every tile of {@code source} into {@code out} (created; existing files overwritten). */
    public static Summary convert(Path source, Path out, Options options) {
        List<String> stems = stems(source);
        Map<String, List<JsonObject>> records = new TreeMap<>();
        Map<String, Integer> images = new TreeMap<>();
        for (String split : List.of("train", "val")) {
            records.put(split, new ArrayList<>());
            images.put(split, 0);
            mkdirs(out.resolve(split).resolve("images"));
            mkdirs(out.resolve(split).resolve("annotations"));
        }
        for (String stem : stems) {
            String split = isValidation(stem) ? "val" : "train";
            Tile tile = Tile.read(source, stem);
            Random random = new Random(options.seed() * 1_000_003L + stem.hashCode());
            List<View> views = split.equals("val") ? tile.validationViews(options.maxSide())
                    : tile.trainingViews(options, random);
            for (int v = 0; v < views.size(); v++) {
                String name = stem + "_v" + String.format("%02d", v);
                View view = views.get(v);
                writeJpeg(view.image(), out.resolve(split).resolve("images").resolve(name + ".jpg"));
                images.merge(split, 1, Integer::sum);
                List<Instruction> instructions = split.equals("val") ? Sampler.validation(view, options, random)
                        : Sampler.training(view, options, random);
                for (int i = 0; i < instructions.size(); i++) {
                    records.get(split).add(record(name + "_" + i, name + ".jpg", instructions.get(i), view));
                }
            }
            LOG.info("{} -> {}: {} views", stem, split, views.size());
        }
        Map<String, Integer> recordCounts = new TreeMap<>();
        Map<String, Map<String, Integer>> counts = new TreeMap<>();
        for (Map.Entry<String, List<JsonObject>> e : records.entrySet()) {
            writeRecords(e.getValue(), out.resolve(e.getKey()).resolve("annotations").resolve(e.getKey() + ".json"));
            recordCounts.put(e.getKey(), e.getValue().size());
            counts.put(e.getKey(), count(e.getValue()));
        }
        Summary summary = new Summary(images, recordCounts, counts);
        write(out.resolve("summary.json"), new GsonBuilder().setPrettyPrinting().create().toJson(summary) + "\n");
        return summary;
    }

    private static List<String> stems(Path source) {
        Path dir = source.resolve("images");
        try (Stream<Path> s = Files.list(dir)) {
            List<String> stems = s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jpg"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
            if (stems.isEmpty()) {
                throw new SegEarthException("no .jpg image in " + dir + "; expected the Dubai set's images/*.jpg");
            }
            return stems;
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + dir + ": " + e.getMessage()
                    + "; expected a folder with images/ and masks_color/", e);
        }
    }

    private static JsonObject record(String id, String imageName, Instruction in, View view) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("image_name", imageName);
        o.addProperty("description", in.description());
        o.addProperty("answer", in.answer());
        JsonArray masks = new JsonArray();
        JsonArray classes = new JsonArray();
        for (DubaiClass c : in.targets()) {
            masks.add(encodeMask(view.mask(c), view.height(), view.width()));
            classes.add(c.id());
        }
        o.add("mask", masks);
        o.addProperty("category", in.category());
        o.add("classes", classes);
        if (!in.absent().isEmpty()) {
            JsonArray absent = new JsonArray();
            in.absent().forEach(c -> absent.add(c.id()));
            o.add("absent", absent);
        }
        return o;
    }

    /** A row-major mask as a COCO RLE object ({@code {"size": [h, w], "counts": "..."}}). */
    static JsonObject encodeMask(boolean[] mask, int h, int w) {
        return CocoMasks.toJson(Mask.fromBooleans(mask, w, h).toRle());
    }

    private static Map<String, Integer> count(List<JsonObject> records) {
        Map<String, Integer> m = new TreeMap<>();
        for (JsonObject r : records) {
            m.merge("category:" + r.get("category").getAsString(), 1, Integer::sum);
            for (var c : r.getAsJsonArray("classes")) {
                m.merge("class:" + c.getAsString(), 1, Integer::sum);
            }
            if (r.has("absent")) {
                for (var c : r.getAsJsonArray("absent")) {
                    m.merge("absent:" + c.getAsString(), 1, Integer::sum);
                }
            }
        }
        return m;
    }

    private static void writeRecords(List<JsonObject> records, Path file) {
        StringBuilder s = new StringBuilder("[\n");
        for (int i = 0; i < records.size(); i++) {
            s.append(GSON.toJson(records.get(i))).append(i + 1 < records.size() ? ",\n" : "\n");
        }
        write(file, s.append("]\n").toString());
    }

    private static void write(Path file, String text) {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write(text);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SegEarthException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    static void writeJpeg(BufferedImage image, Path file) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(Files.newOutputStream(file))) {
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.92f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), p);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            writer.dispose();
        }
    }

    /** Scales an image down with area averaging (plain Java). */
    static BufferedImage scale(BufferedImage src, int w, int h) {
        if (src.getWidth() == w && src.getHeight() == h) {
            return src;
        }
        Image scaled = src.getScaledInstance(w, h, Image.SCALE_AREA_AVERAGING);
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(scaled, 0, 0, null);
        g.dispose();
        return out;
    }

    /** One tile: its RGB image and its class map (ordinal of {@link DubaiClass}, -1 unlabeled). */
    record Tile(String stem, BufferedImage image, byte[] classes) {

        static Tile read(Path source, String stem) {
            BufferedImage image = readImage(source.resolve("images").resolve(stem + ".jpg"));
            Path maskFile = source.resolve("masks_color").resolve(stem + ".png");
            BufferedImage mask = readImage(maskFile);
            int w = image.getWidth();
            int h = image.getHeight();
            if (mask.getWidth() != w || mask.getHeight() != h) {
                throw new SegEarthException("mask " + maskFile + " is " + mask.getWidth() + "x" + mask.getHeight()
                        + " but its image is " + w + "x" + h + "; expected equal sizes");
            }
            byte[] classes = new byte[w * h];
            int[] row = new int[w];
            int unknown = 0;
            for (int y = 0; y < h; y++) {
                mask.getRGB(0, y, w, 1, row, 0, w);
                for (int x = 0; x < w; x++) {
                    DubaiClass c = DubaiClass.ofColour(row[x]);
                    classes[y * w + x] = (byte) (c == null ? -1 : c.ordinal());
                    if (c == null && (row[x] & 0xFFFFFF) != DubaiClass.UNLABELED_RGB) {
                        unknown++;
                    }
                }
            }
            if (unknown > 0) {
                LOG.warn("{}: {} pixels of colours outside the class palette, read as unlabeled", maskFile, unknown);
            }
            BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = rgb.createGraphics();
            g.drawImage(image, 0, 0, null);
            g.dispose();
            return new Tile(stem, rgb, classes);
        }

        private static BufferedImage readImage(Path file) {
            try {
                BufferedImage img = ImageIO.read(file.toFile());
                if (img == null) {
                    throw new SegEarthException("cannot decode " + file + "; expected a JPEG or PNG image");
                }
                return img;
            } catch (IOException e) {
                throw new SegEarthException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        int width() {
            return image.getWidth();
        }

        int height() {
            return image.getHeight();
        }

        List<View> validationViews(int maxSide) {
            int w = width();
            int h = height();
            List<View> views = new ArrayList<>();
            views.add(view(0, 0, w, h, maxSide));
            views.add(view(0, 0, w / 2, h / 2, maxSide));
            views.add(view(w / 2, 0, w - w / 2, h / 2, maxSide));
            views.add(view(0, h / 2, w / 2, h - h / 2, maxSide));
            views.add(view(w / 2, h / 2, w - w / 2, h - h / 2, maxSide));
            return views;
        }

        List<View> trainingViews(Options options, Random random) {
            List<View> views = new ArrayList<>();
            views.add(view(0, 0, width(), height(), options.maxSide()).transform(random));
            int shortSide = Math.min(width(), height());
            for (int i = 1; i < options.cropsPerTile(); i++) {
                int side = (int) Math.round(shortSide * (0.35 + 0.5 * random.nextDouble()));
                int x = random.nextInt(width() - side + 1);
                int y = random.nextInt(height() - side + 1);
                views.add(view(x, y, side, side, options.maxSide()).transform(random));
            }
            return views;
        }

        /** The crop (x, y, cw, ch) scaled so that its longest side is at most maxSide. */
        View view(int x, int y, int cw, int ch, int maxSide) {
            double scale = Math.min(1.0, maxSide / (double) Math.max(cw, ch));
            int ow = Math.max(1, (int) Math.round(cw * scale));
            int oh = Math.max(1, (int) Math.round(ch * scale));
            BufferedImage img = scale(image.getSubimage(x, y, cw, ch), ow, oh);
            byte[] map = new byte[ow * oh];
            for (int oy = 0; oy < oh; oy++) {
                int sy = y + Math.min(ch - 1, (int) ((oy + 0.5) * ch / oh));
                for (int ox = 0; ox < ow; ox++) {
                    int sx = x + Math.min(cw - 1, (int) ((ox + 0.5) * cw / ow));
                    map[oy * ow + ox] = classes[sy * width() + sx];
                }
            }
            return new View(copy(img), map);
        }

        private static BufferedImage copy(BufferedImage img) {
            BufferedImage out = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = out.createGraphics();
            g.drawImage(img, 0, 0, null);
            g.dispose();
            return out;
        }
    }

    /** A written view: its image and class map (same size). */
    record View(BufferedImage image, byte[] classes) {

        int width() {
            return image.getWidth();
        }

        int height() {
            return image.getHeight();
        }

        boolean[] mask(DubaiClass c) {
            boolean[] m = new boolean[classes.length];
            for (int i = 0; i < m.length; i++) {
                m[i] = classes[i] == c.ordinal();
            }
            return m;
        }

        Map<DubaiClass, Integer> areas() {
            Map<DubaiClass, Integer> a = new EnumMap<>(DubaiClass.class);
            for (DubaiClass c : DubaiClass.values()) {
                a.put(c, 0);
            }
            for (byte b : classes) {
                if (b >= 0) {
                    a.merge(DubaiClass.values()[b], 1, Integer::sum);
                }
            }
            return a;
        }

        /** A random horizontal flip followed by a random rotation by k * 90 degrees. */
        View transform(Random random) {
            boolean flip = random.nextBoolean();
            int turns = random.nextInt(4);
            View v = flip ? remap(width(), height(), (x, y) -> new int[] {width() - 1 - x, y}) : this;
            for (int t = 0; t < turns; t++) {
                View s = v;
                // clockwise: output (x, y) of size (h, w) takes source (y, h - 1 - x)
                v = s.remap(s.height(), s.width(), (x, y) -> new int[] {y, s.height() - 1 - x});
            }
            return v;
        }

        private View remap(int ow, int oh, java.util.function.BiFunction<Integer, Integer, int[]> source) {
            BufferedImage img = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
            byte[] map = new byte[ow * oh];
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    int[] s = source.apply(x, y);
                    img.setRGB(x, y, image.getRGB(s[0], s[1]));
                    map[y * ow + x] = classes[s[1] * width() + s[0]];
                }
            }
            return new View(img, map);
        }
    }

    /** Chooses the instructions of a view. */
    static final class Sampler {

        private Sampler() {
        }

        static List<DubaiClass> present(View view, Options options) {
            List<DubaiClass> present = new ArrayList<>();
            double total = view.classes().length;
            view.areas().forEach((c, a) -> {
                if (a >= options.minFraction() * total) {
                    present.add(c);
                }
            });
            return present;
        }

        static List<DubaiClass> absent(View view) {
            List<DubaiClass> absent = new ArrayList<>();
            view.areas().forEach((c, a) -> {
                if (a == 0) {
                    absent.add(c);
                }
            });
            return absent;
        }

        /** One single, one implicit (other class when possible), one multiple, sometimes one empty. */
        static List<Instruction> training(View view, Options options, Random random) {
            List<DubaiClass> present = present(view, options);
            List<Instruction> out = new ArrayList<>();
            if (!present.isEmpty()) {
                List<DubaiClass> order = new ArrayList<>(present);
                Collections.shuffle(order, random);
                out.add(Instructions.single(order.get(0), random));
                out.add(Instructions.implicit(order.get(order.size() > 1 ? 1 : 0), random));
                if (order.size() >= 2) {
                    int n = order.size() >= 3 && random.nextDouble() < 0.3 ? 3 : 2;
                    Collections.shuffle(order, random);
                    out.add(Instructions.multiple(order.subList(0, n), random));
                }
            }
            List<DubaiClass> absent = absent(view);
            if (!absent.isEmpty() && random.nextDouble() < options.emptyRate()) {
                out.add(Instructions.empty(absent.get(random.nextInt(absent.size())), random));
            }
            return out;
        }

        /** Every present class as a single and as an implicit instruction, plus two multiple ones. */
        static List<Instruction> validation(View view, Options options, Random random) {
            List<DubaiClass> present = present(view, options);
            List<Instruction> out = new ArrayList<>();
            for (DubaiClass c : present) {
                out.add(Instructions.single(c, random));
                out.add(Instructions.implicit(c, random));
            }
            for (int i = 0; i < 2 && present.size() >= 2; i++) {
                List<DubaiClass> order = new ArrayList<>(present);
                Collections.shuffle(order, random);
                out.add(Instructions.multiple(order.subList(0, Math.min(order.size(), 2 + i)), random));
            }
            return out;
        }
    }
}
