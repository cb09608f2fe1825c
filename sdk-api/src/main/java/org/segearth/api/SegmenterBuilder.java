package org.segearth.api;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;
import org.segearth.spi.SegmenterFactory;

/**
 * Configures and builds a {@link Segmenter}; the only mutable type of the API.
 *
 * <pre>{@code
 * Segmenter seg = Segmenter.builder()
 *         .model(Path.of("segearth-r2"))   // no model: the embedded demo model
 *         .head("mask2former")             // or "sam"
 *         .device("cpu")
 *         .threads(2)
 *         .maxNewTokens(128)
 *         .build();
 *
 * // one shot: build, segment, close
 * SegmentationResult r = Segmenter.builder().instruction("segment the water").segment(Path.of("tile.jpg"));
 *
 * // from the HeadAblation sample: a package variant with SAM in mask_head/, chosen by provider name
 * try (Segmenter sam = Segmenter.builder().model(Path.of("r2-sam")).head("sam").build()) {
 *     List<Target> targets = sam.segmentWithAnswer(ImageSource.of(Path.of("port.png")), "segment the ships",
 *             "the ships [SEG]").targets();
 * }
 * }</pre>
 */
public final class SegmenterBuilder {

    private Path model;
    private String head;
    private String device = "cpu";
    private String engine = "pytorch";
    private int threads;
    private String precision = "auto";
    private int maxNewTokens = 128;
    private double temperature;
    private double topP = 1.0;
    private long seed = 42;
    private int featureCacheSize = 4;
    private boolean attentionHeatmaps;
    private boolean maskLogits;
    private String instruction;

    SegmenterBuilder() {}

    /** The model package folder; without one, the embedded demo model is used. */
    public SegmenterBuilder model(Path model) {
        this.model = model;
        return this;
    }

    /** The segmentation head by provider name ({@code "mask2former"}, {@code "sam"}); default: the package's. */
    public SegmenterBuilder head(String head) {
        this.head = head;
        return this;
    }

    /** {@code "cpu"} (default), {@code "gpu"} or {@code "gpu:N"}. */
    public SegmenterBuilder device(String device) {
        this.device = require(device, "device");
        return this;
    }

    /**
     * Engine for frozen encoders: {@code "pytorch"} (default) or {@code "onnx"} where the package
     * holds ONNX exports.
     */
    public SegmenterBuilder engine(String engine) {
        this.engine = require(engine, "engine");
        return this;
    }

    /** PyTorch intra-op threads; 0 (default) leaves the engine's choice. */
    public SegmenterBuilder threads(int threads) {
        if (threads < 0) {
            throw new InvalidInputException("threads must be >= 0, got " + threads);
        }
        this.threads = threads;
        return this;
    }

    /** Most tokens the model may write (default 128). */
    public SegmenterBuilder maxNewTokens(int maxNewTokens) {
        if (maxNewTokens <= 0) {
            throw new InvalidInputException("maxNewTokens must be positive, got " + maxNewTokens);
        }
        this.maxNewTokens = maxNewTokens;
        return this;
    }

    /** Sampling temperature; 0 (default) is greedy decoding. */
    public SegmenterBuilder temperature(double temperature) {
        if (!(temperature >= 0)) {
            throw new InvalidInputException("temperature must be >= 0, got " + temperature);
        }
        this.temperature = temperature;
        return this;
    }

    /**
     * How weights stored in 16 bits are kept and multiplied: {@code auto} (default: kept in 16
     * bits, products with the weight widened to float32, token-by-token decoding in float16),
     * {@code f16-upcast}, {@code f16} or {@code f32} (every weight float32: twice the memory).
     * See the README's "Precision" section for what each costs.
     */
    public SegmenterBuilder precision(String precision) {
        String p = require(precision, "precision").toLowerCase(java.util.Locale.ROOT);
        if (!java.util.List.of("auto", "f32", "f16", "f16-upcast").contains(p)) {
            throw new InvalidInputException("precision '" + precision + "' is unknown; use auto, f32, f16-upcast or f16");
        }
        this.precision = p;
        return this;
    }

    /** Nucleus sampling mass in (0, 1] (default 1). */
    public SegmenterBuilder topP(double topP) {
        if (!(topP > 0 && topP <= 1)) {
            throw new InvalidInputException("topP must be in (0, 1], got " + topP);
        }
        this.topP = topP;
        return this;
    }

    /** Seed of sampling (default 42). */
    public SegmenterBuilder seed(long seed) {
        this.seed = seed;
        return this;
    }

    /** Images whose features stay cached (default 4; 0 disables the cache). */
    public SegmenterBuilder featureCacheSize(int size) {
        if (size < 0) {
            throw new InvalidInputException("featureCacheSize must be >= 0, got " + size);
        }
        this.featureCacheSize = size;
        return this;
    }

    /** Whether targets carry their {@code [SEG]} -> image attention heatmap (default false). */
    public SegmenterBuilder attentionHeatmaps(boolean enabled) {
        this.attentionHeatmaps = enabled;
        return this;
    }

    /**
     * Whether targets carry their mask logits at the image size ({@link Target#logits()}, default
     * false): what blending overlapping tiles of a large scene needs. Costs 4 bytes per pixel and target.
     */
    public SegmenterBuilder maskLogits(boolean enabled) {
        this.maskLogits = enabled;
        return this;
    }

    /** The instruction of the one-shot {@link #segment(ImageSource)}. */
    public SegmenterBuilder instruction(String instruction) {
        this.instruction = instruction;
        return this;
    }

    /** The settings collected so far. */
    public Settings settings() {
        return new Settings(Optional.ofNullable(model), Optional.ofNullable(head), device, engine, threads,
                maxNewTokens, temperature, topP, seed, featureCacheSize, attentionHeatmaps, precision, maskLogits);
    }

    /**
     * Builds the segmenter (loads the model).
     *
     * @throws ProviderNotFoundException when {@code segearth-runtime} is not on the class path
     * @throws ModelPackageException when the model package is incomplete
     */
    public Segmenter build() {
        for (SegmenterFactory factory : ServiceLoader.load(SegmenterFactory.class, SegmenterBuilder.class.getClassLoader())) {
            return factory.create(settings());
        }
        throw new ProviderNotFoundException("no Segmenter implementation on the class path; add org.segearth:segearth-runtime");
    }

    /** One shot: builds a segmenter, segments {@code image} with {@link #instruction}, closes it. */
    public SegmentationResult segment(ImageSource image) {
        if (instruction == null) {
            throw new InvalidInputException("no instruction: call instruction(\"...\") before segment(image)");
        }
        try (Segmenter segmenter = build()) {
            return segmenter.segment(image, instruction);
        }
    }

    /** One shot on an image file. */
    public SegmentationResult segment(Path imageFile) {
        return segment(ImageSource.of(imageFile));
    }

    /** One shot on an image in memory. */
    public SegmentationResult segment(BufferedImage image) {
        return segment(ImageSource.of(image));
    }

    private static String require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException(what + " must not be empty");
        }
        return value.strip();
    }

    /**
     * An immutable snapshot of a builder's settings, handed to the implementation.
     *
     * @param model the model package, or empty for the embedded demo model
     * @param head the head provider name, or empty for the package's
     * @param device {@code cpu}, {@code gpu} or {@code gpu:N}
     * @param engine {@code pytorch} or {@code onnx} for frozen encoders
     * @param threads PyTorch intra-op threads, 0 for the engine's choice
     * @param maxNewTokens most generated tokens
     * @param temperature 0 for greedy decoding
     * @param topP nucleus mass
     * @param seed sampling seed
     * @param featureCacheSize images whose features stay cached
     * @param attentionHeatmaps whether targets carry attention heatmaps
     * @param precision {@code auto}, {@code f32}, {@code f16-upcast} or {@code f16}
     * @param maskLogits whether targets carry their mask logits
     */
    public record Settings(Optional<Path> model, Optional<String> head, String device, String engine, int threads,
            int maxNewTokens, double temperature, double topP, long seed, int featureCacheSize,
            boolean attentionHeatmaps, String precision, boolean maskLogits) {

        /** The settings without mask logits (as before the option existed). */
        public Settings(Optional<Path> model, Optional<String> head, String device, String engine, int threads,
                int maxNewTokens, double temperature, double topP, long seed, int featureCacheSize,
                boolean attentionHeatmaps, String precision) {
            this(model, head, device, engine, threads, maxNewTokens, temperature, topP, seed, featureCacheSize,
                    attentionHeatmaps, precision, false);
        }
    }
}
