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
import java.util.Set;
import java.util.TreeSet;
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
 * <p>{@link Options#recipe} makes the generalising recipe's data instead: {@link RichInstructions},
 * augmented training views (wider scales, small-angle turns, {@link Augment}'s colour changes,
 * mosaics across part borders), whole tiles held out, and the split {@value #UNSEEN} with the
 * validation-only phrasings.
 *
 * <pre>{@code
 * Summary s = DubaiConverter.convert(Path.of("data/dubai"), Path.of("demo-data"), Options.defaults());
 * }</pre>
 */
public final class DubaiConverter {

    private static final Logger LOG = LoggerFactory.getLogger(DubaiConverter.class);
    private static final Pattern TILE = Pattern.compile("Tile(\\d+)_image_part_(\\d+)");
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    /** The split of the validation views with the validation-only phrasings ({@link Options#rich()}). */
    public static final String UNSEEN = "val-unseen";

    /** Which generator writes the instructions. */
    enum Phrasing {
        /** {@link Instructions}: the shipped model's templates. */
        BASIC,
        /** {@link RichInstructions}. */
        RICH;

        Instruction single(DubaiClass c, Random r) {
            return this == RICH ? RichInstructions.single(c, r) : Instructions.single(c, r);
        }

        Instruction implicit(DubaiClass c, Random r) {
            return this == RICH ? RichInstructions.implicit(c, r) : Instructions.implicit(c, r);
        }

        Instruction multiple(List<DubaiClass> c, Random r) {
            return this == RICH ? RichInstructions.multiple(c, r) : Instructions.multiple(c, r);
        }

        Instruction empty(DubaiClass c, Random r) {
            return this == RICH ? RichInstructions.empty(c, r) : Instructions.empty(c, r);
        }
    }

    /**
     * Conversion settings.
     *
     * @param seed         seed of every random choice
     * @param cropsPerTile training views per tile (the whole tile plus cropsPerTile - 1 random crops)
     * @param maxSide      longest side of the written images
     * @param minFraction  smallest area fraction for a class to be a target
     * @param emptyRate    probability per view of one "no target" sample (when a class is absent)
     * @param rich         {@link RichInstructions} for training and validation, plus the split
     *                     {@code val-unseen} (the validation views with the validation-only phrasings);
     *                     false: the shipped model's {@link Instructions}
     * @param augment      training views get {@link Augment}'s image changes: crops of 20-100% of the
     *                     short side, small-angle rotations, colour, brightness and contrast jitter,
     *                     blur and resolution loss
     * @param mosaics      extra training views per tile that join a crop of the previous part of the
     *                     same tile and one of this part at a random seam (crops across part borders)
     * @param heldOut      tiles (1-6) whose every part is validation; empty: the fixed rule, part N + 1
     *                     of Tile N
     * @param valViews     validation views per part: 1 (the whole part) or 5 (also its quadrants)
     */
    public record Options(long seed, int cropsPerTile, int maxSide, double minFraction, double emptyRate,
            boolean rich, boolean augment, int mosaics, Set<Integer> heldOut, int valViews) {

        /** Copies the set; checks the view counts. */
        public Options {
            heldOut = Set.copyOf(heldOut);
            if (valViews != 1 && valViews != 5) {
                throw new SegEarthException("validation views per part is " + valViews + "; expected 1 or 5");
            }
            if (mosaics < 0 || cropsPerTile < 1) {
                throw new SegEarthException("views per tile must be positive (crops " + cropsPerTile + ", mosaics "
                        + mosaics + ")");
            }
        }

        /** The shipped model's data: template instructions, flips and 90-degree turns only, part N + 1 held out. */
        public Options(long seed, int cropsPerTile, int maxSide, double minFraction, double emptyRate) {
            this(seed, cropsPerTile, maxSide, minFraction, emptyRate, false, false, 0, Set.of(), 5);
        }

        /** Seed 42, 12 views per training tile, 256 px, 0.5%, 5%. */
        public static Options defaults() {
            return new Options(42, 12, 256, 0.005, 0.05);
        }

        /** The generalising recipe's data: rich instructions, augmentations, 2 mosaics per tile. */
        public static Options recipe(long seed, Set<Integer> heldOut, int valViews) {
            return new Options(seed, 12, 256, 0.005, 0.05, true, true, 2, heldOut, valViews);
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

    /**
     * {@code DubaiConverter SOURCE OUT [SEED [CROPS_PER_TILE [MAX_SIDE]]] [--recipe] [--hold-out 1,2]
     * [--val-views 1|5]}: {@code --recipe} makes the generalising recipe's data
     * ({@link Options#recipe}), {@code --hold-out} validates on whole tiles.
     */
    public static void main(String[] args) {
        List<String> positional = new ArrayList<>();
        boolean recipe = false;
        Set<Integer> heldOut = new TreeSet<>();
        int valViews = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--recipe" -> recipe = true;
                case "--hold-out" -> {
                    for (String t : args[++i].split(",")) {
                        heldOut.add(Integer.parseInt(t.strip()));
                    }
                }
                case "--val-views" -> valViews = Integer.parseInt(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() < 2 || positional.size() > 5) {
            System.err.println("usage: DubaiConverter SOURCE_DIR OUT_DIR [SEED [CROPS_PER_TILE [MAX_SIDE]]]"
                    + " [--recipe] [--hold-out 1,2] [--val-views 1|5]");
            System.exit(2);
        }
        Options d = recipe ? Options.recipe(42, heldOut, valViews) : Options.defaults();
        Options o = new Options(positional.size() > 2 ? Long.parseLong(positional.get(2)) : d.seed(),
                positional.size() > 3 ? Integer.parseInt(positional.get(3)) : d.cropsPerTile(),
                positional.size() > 4 ? Integer.parseInt(positional.get(4)) : d.maxSide(), d.minFraction(),
                d.emptyRate(), d.rich(), d.augment(), d.mosaics(), heldOut, valViews);
        Summary s = convert(Path.of(positional.get(0)), Path.of(positional.get(1)), o);
        System.out.println(new GsonBuilder().setPrettyPrinting().create().toJson(s));
    }

    /** The tile number N of {@code TileN_image_part_MMM}. */
    static int tileNumber(String stem) {
        Matcher m = TILE.matcher(stem);
        if (!m.find()) {
            throw new SegEarthException("tile name '" + stem + "' does not match TileN_image_part_MMM; expected the "
                    + "Dubai set's file names");
        }
        return Integer.parseInt(m.group(1));
    }

    /** Whether a part is validation under {@code options}: of a held-out tile, or part N + 1 of Tile N. */
    static boolean isValidation(String stem, Options options) {
        return options.heldOut().isEmpty() ? isValidation(stem) : options.heldOut().contains(tileNumber(stem));
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
        List<String> splits = options.rich() ? List.of("train", "val", UNSEEN) : List.of("train", "val");
        for (String split : splits) {
            records.put(split, new ArrayList<>());
            images.put(split, 0);
            mkdirs(out.resolve(split).resolve("images"));
            mkdirs(out.resolve(split).resolve("annotations"));
        }
        Tile previous = null;
        for (String stem : stems) {
            String split = isValidation(stem, options) ? "val" : "train";
            Tile tile = Tile.read(source, stem);
            Random random = new Random(options.seed() * 1_000_003L + stem.hashCode());
            List<View> views = new ArrayList<>(split.equals("val")
                    ? tile.validationViews(options.maxSide()).subList(0, options.valViews())
                    : tile.trainingViews(options, random));
            if (split.equals("train") && previous != null && tileNumber(previous.stem()) == tileNumber(stem)) {
                for (int m = 0; m < options.mosaics(); m++) {
                    View mosaic = Tile.mosaic(previous, tile, options.maxSide(), random).transform(random);
                    views.add(options.augment() ? Augment.photometric(mosaic, random) : mosaic);
                }
            }
            for (int v = 0; v < views.size(); v++) {
                String name = stem + "_v" + String.format("%02d", v);
                View view = views.get(v);
                writeJpeg(view.image(), out.resolve(split).resolve("images").resolve(name + ".jpg"));
                images.merge(split, 1, Integer::sum);
                Phrasing phrasing = options.rich() ? Phrasing.RICH : Phrasing.BASIC;
                List<Instruction> instructions = split.equals("val") ? Sampler.validation(view, options, phrasing, random)
                        : Sampler.training(view, options, phrasing, random);
                for (int i = 0; i < instructions.size(); i++) {
                    records.get(split).add(record(name + "_" + i, name + ".jpg", instructions.get(i), view));
                }
                if (split.equals("val") && options.rich()) {
                    writeJpeg(view.image(), out.resolve(UNSEEN).resolve("images").resolve(name + ".jpg"));
                    images.merge(UNSEEN, 1, Integer::sum);
                    List<DubaiClass> present = new ArrayList<>(Sampler.present(view, options));
                    Collections.shuffle(present, random);
                    List<Instruction> unseen = RichInstructions.validationOnly(present, random);
                    for (int i = 0; i < unseen.size(); i++) {
                        records.get(UNSEEN).add(record(name + "_u" + i, name + ".jpg", unseen.get(i), view));
                    }
                }
            }
            if (split.equals("train")) {
                previous = tile;
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

    static List<String> stems(Path source) {
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
        try (java.io.OutputStream out = Files.newOutputStream(file)) {
            encodeJpeg(image, out);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code image} as the written views are: encoded to JPEG (quality 0.92) and decoded again, in memory. */
    static BufferedImage jpegRoundTrip(BufferedImage image) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            encodeJpeg(image, bytes);
            return ImageIO.read(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new SegEarthException("cannot encode a view as JPEG: " + e.getMessage(), e);
        }
    }

    private static void encodeJpeg(BufferedImage image, java.io.OutputStream target) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(target)) {
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.92f);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), p);
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
            views.add(wholeView(options, random));
            int shortSide = Math.min(width(), height());
            for (int i = 1; i < options.cropsPerTile(); i++) {
                if (options.augment()) {
                    views.add(augmentedCrop(options, random));
                    continue;
                }
                int side = (int) Math.round(shortSide * (0.35 + 0.5 * random.nextDouble()));
                int x = random.nextInt(width() - side + 1);
                int y = random.nextInt(height() - side + 1);
                views.add(view(x, y, side, side, options.maxSide()).transform(random));
            }
            return views;
        }

        /** The whole tile, flipped and turned, with the photometric changes when {@code options} augment. */
        View wholeView(Options options, Random random) {
            return augment(view(0, 0, width(), height(), options.maxSide()).transform(random), options, random);
        }

        /**
         * One augmented training crop: 20-100% of the short side (scale changes), turned by a small
         * angle with probability 0.5, flipped and turned by k x 90 degrees, then the photometric changes.
         */
        View augmentedCrop(Options options, Random random) {
            int shortSide = Math.min(width(), height());
            int side = (int) Math.round(shortSide * (0.2 + 0.8 * random.nextDouble()));
            double angle = random.nextDouble() < 0.5 ? Math.toRadians(-20 + 40 * random.nextDouble()) : 0;
            return augment(rotatedView(side, angle, options.maxSide(), random).transform(random), options, random);
        }

        private static View augment(View v, Options options, Random random) {
            return options.augment() ? Augment.photometric(v, random) : v;
        }

        /**
         * A square of {@code side} source pixels turned by {@code angle} (radians) about a random
         * centre where the turned square lies inside the tile (the side shrinks when it does not fit),
         * scaled to at most {@code maxSide}: the image bilinear then area-averaged, the class map by
         * the nearest source pixel.
         */
        View rotatedView(int side, double angle, int maxSide, Random random) {
            double cos = Math.abs(Math.cos(angle));
            double sin = Math.abs(Math.sin(angle));
            int s = (int) Math.min(side, Math.floor(Math.min(width(), height()) / (cos + sin)));
            double half = s * (cos + sin) / 2;
            double cx = half + random.nextDouble() * Math.max(0, width() - 2 * half);
            double cy = half + random.nextDouble() * Math.max(0, height() - 2 * half);
            BufferedImage turned = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = turned.createGraphics();
            g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION,
                    java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.translate(s / 2.0, s / 2.0);
            g.rotate(angle);
            g.translate(-cx, -cy);
            g.drawImage(image, 0, 0, null);
            g.dispose();
            int o = Math.max(1, (int) Math.round(s * Math.min(1.0, maxSide / (double) s)));
            byte[] map = new byte[o * o];
            double c = Math.cos(angle);
            double n = Math.sin(angle);
            for (int oy = 0; oy < o; oy++) {
                double v = (oy + 0.5) * s / o - s / 2.0;
                for (int ox = 0; ox < o; ox++) {
                    double u = (ox + 0.5) * s / o - s / 2.0;
                    // the inverse of the drawing transform: source = centre + R(-angle) (u, v)
                    int sx = (int) Math.floor(cx + u * c + v * n);
                    int sy = (int) Math.floor(cy - u * n + v * c);
                    sx = Math.max(0, Math.min(width() - 1, sx));
                    sy = Math.max(0, Math.min(height() - 1, sy));
                    map[oy * o + ox] = classes[sy * width() + sx];
                }
            }
            return new View(copy(scale(turned, o, o)), map);
        }

        /**
         * A square view across the border of two parts of one tile: the left {@code 30-70%} from a
         * crop of {@code left}, the rest from a crop of {@code right}, at the same pixel scale.
         */
        static View mosaic(Tile left, Tile right, int maxSide, Random random) {
            int shortSide = Math.min(Math.min(left.width(), left.height()), Math.min(right.width(), right.height()));
            int s = (int) Math.round(shortSide * (0.35 + 0.5 * random.nextDouble()));
            int seam = (int) Math.round(s * (0.3 + 0.4 * random.nextDouble()));
            BufferedImage img = new BufferedImage(s, s, BufferedImage.TYPE_INT_RGB);
            byte[] map = new byte[s * s];
            int lx = random.nextInt(left.width() - seam + 1);
            int ly = random.nextInt(left.height() - s + 1);
            int rx = random.nextInt(right.width() - (s - seam) + 1);
            int ry = random.nextInt(right.height() - s + 1);
            for (int y = 0; y < s; y++) {
                for (int x = 0; x < s; x++) {
                    Tile t = x < seam ? left : right;
                    int sx = x < seam ? lx + x : rx + x - seam;
                    int sy = (x < seam ? ly : ry) + y;
                    img.setRGB(x, y, t.image().getRGB(sx, sy));
                    map[y * s + x] = t.classes()[sy * t.width() + sx];
                }
            }
            return new Tile(left.stem() + "+" + right.stem(), img, map).view(0, 0, s, s, maxSide);
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
        static List<Instruction> training(View view, Options options, Phrasing phrasing, Random random) {
            List<DubaiClass> present = present(view, options);
            List<Instruction> out = new ArrayList<>();
            if (!present.isEmpty()) {
                List<DubaiClass> order = new ArrayList<>(present);
                Collections.shuffle(order, random);
                out.add(phrasing.single(order.get(0), random));
                out.add(phrasing.implicit(order.get(order.size() > 1 ? 1 : 0), random));
                if (order.size() >= 2) {
                    int n = order.size() >= 3 && random.nextDouble() < 0.3 ? 3 : 2;
                    Collections.shuffle(order, random);
                    out.add(phrasing.multiple(order.subList(0, n), random));
                }
            }
            List<DubaiClass> absent = absent(view);
            if (!absent.isEmpty() && random.nextDouble() < options.emptyRate()) {
                out.add(phrasing.empty(absent.get(random.nextInt(absent.size())), random));
            }
            return out;
        }

        /** Every present class as a single and as an implicit instruction, plus two multiple ones. */
        static List<Instruction> validation(View view, Options options, Phrasing phrasing, Random random) {
            List<DubaiClass> present = present(view, options);
            List<Instruction> out = new ArrayList<>();
            for (DubaiClass c : present) {
                out.add(phrasing.single(c, random));
                out.add(phrasing.implicit(c, random));
            }
            for (int i = 0; i < 2 && present.size() >= 2; i++) {
                List<DubaiClass> order = new ArrayList<>(present);
                Collections.shuffle(order, random);
                out.add(phrasing.multiple(order.subList(0, Math.min(order.size(), 2 + i)), random));
            }
            return out;
        }
    }
}
