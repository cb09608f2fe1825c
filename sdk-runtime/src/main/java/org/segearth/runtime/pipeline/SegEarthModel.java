package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.segearth.spi.nn.MatmulContext;
import org.segearth.spi.nn.Precision;
import org.segearth.api.InvalidInputException;
import org.segearth.api.ModelPackageException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.image.Letterbox;
import org.segearth.runtime.image.PixelTensor;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.image.SiglipPreprocessor;
import org.segearth.runtime.pipeline.internal.ComponentLoader;
import org.segearth.runtime.pipeline.internal.Components;
import org.segearth.runtime.pipeline.internal.PromptBuilder;
import org.segearth.runtime.text.Generation;
import org.segearth.runtime.text.GenerationConfig;
import org.segearth.runtime.text.Generator;
import org.segearth.runtime.text.TextTokenizer;
import org.segearth.spi.AttentionCapture;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHead.HeadOutput;
import org.segearth.spi.VisionEncoder;

/**
 * SegEarth-R2 assembled from a {@link ModelPackage}: image -> both preprocessings -> SigLIP +
 * projector and the mask encoder -> image tokens spliced at the {@code <image>} placeholder ->
 * the language model (+ LoRA) -> final-layernorm hidden state at every answer {@code [SEG]} ->
 * {@link SegTokenProjector} -> head -> logits -> letterbox frame -> crop -> original size -> > 0.
 *
 * <p>{@link #forward} is one teacher-forced pass returning every intermediate as arrays of the
 * caller's manager, so that it also runs under a gradient collector for training;
 * {@link #generate} writes the answer first. Thread-safe for concurrent calls with separate
 * managers.
 *
 * <pre>{@code
 * try (SegEarthModel model = SegEarthModel.load(ModelPackage.open(dir), ModelOptions.defaults());
 *         NDManager m = model.manager().newSubManager()) {
 *     ImageEncoding image = model.encodeImage(m, rgb, false, StageTimer.NONE);
 *     SegEarthOutput out = model.forward(m, image, model.tokens("segment the ships", "the ships [SEG]"),
 *             PassOptions.INFERENCE, StageTimer.NONE);
 *     NDArray masks = out.masks();   // [targets, height, width]
 * }
 * }</pre>
 */
public final class SegEarthModel implements AutoCloseable {

    /** The label of positions that are not supervised. */
    public static final long IGNORE_INDEX = -100;

    private final ModelPackage pkg;
    private final Components c;
    private final Generator generator = new Generator();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Precision precision;
    /** One matmul context (precision and widening buffer) per thread that runs the model. */
    private final ThreadLocal<MatmulContext> threadMatmuls = new ThreadLocal<>();
    private final List<MatmulContext> matmulContexts = new java.util.concurrent.CopyOnWriteArrayList<>();

    private SegEarthModel(ModelPackage pkg, Components components, Precision precision) {
        this.pkg = pkg;
        this.c = components;
        this.precision = precision;
    }

    private MatmulContext matmuls() {
        MatmulContext context = threadMatmuls.get();
        if (context == null) {
            context = new MatmulContext(precision, c.manager());
            threadMatmuls.set(context);
            matmulContexts.add(context);
        }
        return context;
    }

    /**
     * Loads every part of {@code pkg}.
     *
     * @throws ModelPackageException for a missing or inconsistent part, naming it
     * @throws org.segearth.api.ProviderNotFoundException when a component is not on the class path
     */
    public static SegEarthModel load(ModelPackage pkg, ModelOptions options) {
        return new SegEarthModel(pkg, ComponentLoader.load(pkg, options), options.precision());
    }

    /** The package the model came from. */
    public ModelPackage modelPackage() {
        return pkg;
    }

    /** The manager owning the weights; make per-call managers with {@code manager().newSubManager()}. */
    public NDManager manager() {
        return c.manager();
    }

    /** The global branch. */
    public VisionEncoder visionEncoder() {
        return c.vision();
    }

    /** The language model. */
    public LanguageModel languageModel() {
        return c.languageModel();
    }

    /** The mask branch's encoder. */
    public MaskEncoder maskEncoder() {
        return c.maskEncoder();
    }

    /** The segmentation head. */
    public SegmentationHead head() {
        return c.head();
    }

    /** The head's provider name. */
    public String headName() {
        return c.headName();
    }

    /** The [SEG] projector. */
    public SegTokenProjector projector() {
        return c.projector();
    }

    /** The tokenizer, when the package has one. */
    public Optional<TextTokenizer> tokenizer() {
        return Optional.ofNullable(c.tokenizer());
    }

    /** The id of {@code [SEG]}. */
    public long segTokenId() {
        return c.segTokenId();
    }

    /** The id that ends an answer, or -1. */
    public long eosTokenId() {
        return c.eosTokenId();
    }

    /** The language model's context in tokens. */
    public int maxPositions() {
        return c.maxPositions();
    }

    /** Both preprocessings and both encoders on {@code image}; arrays in {@code manager}. */
    public ImageEncoding encodeImage(NDManager manager, RgbImage image, boolean withFeatures, StageTimer timer) {
        ensureOpen();
        return matmuls().run(() -> {
            PixelTensor[] pixels = timer.time("preprocess", () -> new PixelTensor[] {
                SiglipPreprocessor.preprocess(image, c.vision().imageSize()),
                Letterbox.apply(image, pkg.manifest().maskImageSize())});
            NDArray siglip = pixels[0].toNDArray(manager);
            NDArray letterbox = pixels[1].toNDArray(manager);
            NDArray embeds = timer.time("vision_encoder", () -> keep(c.vision().encode(siglip), manager));
            NDArray features = withFeatures ? keep(c.vision().features(siglip), manager) : null;
            List<NDArray> maskFeatures = timer.time("mask_encoder", () -> keepAll(c.maskEncoder().encode(letterbox), manager));
            return new ImageEncoding(image.width(), image.height(), siglip, letterbox, pixels[1].validHeight(),
                    pixels[1].validWidth(), features, embeds, maskFeatures);
        });
    }

    /**
     * {@link #encodeImage} on several images in one forward of each encoder (a batch): image
     * {@code i}'s arrays, copied out of the batch, go into {@code managers.get(i)}. The same
     * encodings as one call per image; on CPU the batch pays each layer's fixed costs once.
     */
    public List<ImageEncoding> encodeImages(List<NDManager> managers, List<RgbImage> images, StageTimer timer) {
        ensureOpen();
        if (managers.size() != images.size()) {
            throw new IllegalArgumentException(managers.size() + " managers for " + images.size() + " images");
        }
        return matmuls().run(() -> {
            int n = images.size();
            PixelTensor[][] pixels = timer.time("preprocess", () -> {
                PixelTensor[][] p = new PixelTensor[n][];
                for (int i = 0; i < n; i++) {
                    p[i] = new PixelTensor[] {SiglipPreprocessor.preprocess(images.get(i), c.vision().imageSize()),
                        Letterbox.apply(images.get(i), pkg.manifest().maskImageSize())};
                }
                return p;
            });
            try (NDManager batch = c.manager().newSubManager()) {
                NDList siglips = new NDList();
                NDList letterboxes = new NDList();
                for (PixelTensor[] p : pixels) {
                    siglips.add(p[0].toNDArray(batch));
                    letterboxes.add(p[1].toNDArray(batch));
                }
                NDArray siglip = NDArrays.concat(siglips);
                NDArray letterbox = NDArrays.concat(letterboxes);
                NDArray embeds = timer.time("vision_encoder", () -> c.vision().encode(siglip));
                List<NDArray> maskFeatures = timer.time("mask_encoder", () -> c.maskEncoder().encode(letterbox));
                List<ImageEncoding> out = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    NDManager m = managers.get(i);
                    List<NDArray> maps = new ArrayList<>();
                    for (NDArray map : maskFeatures) {
                        maps.add(row(map, i, m));
                    }
                    out.add(new ImageEncoding(images.get(i).width(), images.get(i).height(), keep(siglips.get(i), m),
                            keep(letterboxes.get(i), m), pixels[i][1].validHeight(), pixels[i][1].validWidth(), null,
                            row(embeds, i, m), maps));
                }
                return out;
            }
        });
    }

    /** Row {@code i} of a batch, {@code [1, ...]}, copied into {@code manager}. */
    private static NDArray row(NDArray batch, int i, NDManager manager) {
        return keep(batch.get(new NDIndex("{}:{}", i, i + 1)).duplicate(), manager);
    }

    /**
     * One teacher-forced pass over {@code tokens} with {@code image}'s tokens spliced in: every
     * intermediate, one mask per answer {@code [SEG]}; arrays in {@code manager}.
     */
    public SegEarthOutput forward(NDManager manager, ImageEncoding image, TokenInput tokens, PassOptions options,
            StageTimer timer) {
        ensureOpen();
        return matmuls().run(() -> {
            int n = image.numImageTokens();
            requireFits(tokens.expandedLength(n), "the prompt, the image tokens and the answer");
            int[] imagePositions = imagePositions(tokens, n);
            int[] segPositions = tokens.segPositions(c.segTokenId(), n);
            NDArray inputsEmbeds = splice(manager, image.imageEmbeds(), tokens);
            ForwardOptions lmOptions = ForwardOptions.DEFAULT
                    .withLogits(options.logits() ? ForwardOptions.Logits.ALL : ForwardOptions.Logits.NONE)
                    .withAttentions(capture(options.attentions(), segPositions, imagePositions));
            LanguageModelOutput lm = timer.time("language_model", () -> c.languageModel().forward(inputsEmbeds, null, lmOptions));
            NDArray segHidden = rows(manager, lm.lastHiddenState(), segPositions);
            return masks(manager, image, tokens, inputsEmbeds, lm.logits(), lm.lastHiddenState(), lm.attentions(),
                    segPositions, segHidden, timer);
        });
    }

    /**
     * The masks of a generated answer from the states its generation computed ({@link #generate}):
     * the same masks, queries and attentions as a teacher-forced {@link #forward} over
     * {@code generated.tokens()}, without running the language model again. The output has no
     * logits, no input embeddings and no full hidden-state sequence (null); arrays in {@code manager}.
     */
    public SegEarthOutput segment(NDManager manager, ImageEncoding image, Generated generated, StageTimer timer) {
        ensureOpen();
        return matmuls().run(() -> masks(manager, image, generated.tokens(), null, null, null, generated.attentions(),
                generated.segPositions(), generated.segHidden(), timer));
    }

    /** Projector, head and post-processing on the [SEG] states of a pass over {@code tokens}. */
    private SegEarthOutput masks(NDManager manager, ImageEncoding image, TokenInput tokens, NDArray inputsEmbeds,
            NDArray logits, NDArray lastHiddenState, List<NDArray> attentions, int[] segPositions, NDArray segHidden,
            StageTimer timer) {
        int n = image.numImageTokens();
        int[] imagePositions = imagePositions(tokens, n);
        NDArray queries = c.projector().forward(segHidden);
        HeadOutput head = timer.time("mask_head", () -> predict(manager, image, queries));
        // the original-size logits are made when asked for (whole, or a band of rows at a time)
        SegEarthOutput.Original full = new SegEarthOutput.Original(head.maskLogits(), image.frameSize(),
                image.validHeight(), image.validWidth(), image.height(), image.width());
        return new SegEarthOutput(image, tokens, labels(manager, tokens, n), inputsEmbeds, logits, lastHiddenState,
                attentions, imagePositions, segPositions, segHidden, queries, head.maskLogits(), head.auxMaskLogits(),
                head.scores(), head.stride(), full);
    }

    private static int[] imagePositions(TokenInput tokens, int imageTokens) {
        return IntStream.range(tokens.imageIndex(), tokens.imageIndex() + imageTokens).toArray();
    }

    /**
     * The language model alone, teacher-forced on {@code tokens} with {@code image}'s tokens spliced
     * in: the logits at every position and the text labels ({@code -100} outside the answer). The
     * mask branch (mask encoder, projector, head) does not run. Arrays in {@code manager}.
     */
    public TextPass forwardText(NDManager manager, RgbImage image, TokenInput tokens) {
        ensureOpen();
        return matmuls().run(() -> {
            NDArray siglip = SiglipPreprocessor.preprocess(image, c.vision().imageSize()).toNDArray(manager);
            NDArray embeds = keep(c.vision().encode(siglip), manager);
            int n = (int) embeds.getShape().get(1);
            requireFits(tokens.expandedLength(n), "the prompt, the image tokens and the answer");
            NDArray inputsEmbeds = splice(manager, embeds, tokens);
            LanguageModelOutput lm = c.languageModel().forward(inputsEmbeds, null, ForwardOptions.DEFAULT);
            return new TextPass(lm.logits(), labels(manager, tokens, n));
        });
    }

    /**
     * What {@link #forwardText} computes.
     *
     * @param logits {@code [1, L, vocab]}
     * @param labels {@code [1, L]}, the next-token targets ({@code -100} where there is none)
     */
    public record TextPass(NDArray logits, NDArray labels) {
    }

    /** {@link #encodeImage} then {@link #forward}: the whole model in one call. */
    public SegEarthOutput forward(NDManager manager, RgbImage image, TokenInput tokens, PassOptions options) {
        return forward(manager, encodeImage(manager, image, false, StageTimer.NONE), tokens, options, StageTimer.NONE);
    }

    /**
     * Generative mode: renders the prompt for {@code instruction}, writes the answer (stopping at
     * the end token or {@code config}'s limit, clamped to the context) and keeps, from that one
     * pass and its KV cache, the final-layernorm hidden state of every generated {@code [SEG]} (and
     * its attention to the image tokens when {@code attentions} is {@code SEG_TO_IMAGE}). A
     * {@code [SEG]}'s state comes out of the step that feeds it back; a {@code [SEG]} written last
     * gets one more one-token step. {@link #segment(NDManager, ImageEncoding, Generated, StageTimer)}
     * turns the result into masks. Arrays in {@code manager}.
     *
     * @param attentions {@code NONE} or {@code SEG_TO_IMAGE} ({@code ALL} needs a teacher-forced pass)
     */
    public Generated generate(NDManager manager, ImageEncoding image, String instruction, GenerationConfig config,
            PassOptions.Attentions attentions, StageTimer timer) {
        return generate(manager, image, instruction, config, attentions, timer, pkg.manifest().promptTemplate());
    }

    /**
     * {@link #generate(NDManager, ImageEncoding, String, GenerationConfig, PassOptions.Attentions, StageTimer)}
     * with the conversation template {@code template} ({@code phi_v0} or {@code llava_phi}) instead of
     * the manifest's: the official evaluation prompts every model with {@code llava_phi}.
     */
    public Generated generate(NDManager manager, ImageEncoding image, String instruction, GenerationConfig config,
            PassOptions.Attentions attentions, StageTimer timer, String template) {
        ensureOpen();
        if (attentions == PassOptions.Attentions.ALL) {
            throw new InvalidInputException("generation keeps the [SEG] rows of the attentions only (SEG_TO_IMAGE);"
                    + " for every row run forward() teacher-forced on the generated tokens");
        }
        return matmuls().run(() -> {
            long[] prompt = timer.time("prompt", () -> promptBuilder(template).prompt(Inputs.requireInstruction(instruction)));
            TokenInput promptOnly = new TokenInput(prompt, prompt.length);
            int n = image.numImageTokens();
            int length = promptOnly.expandedLength(n);
            requireFits(length + 1, "the prompt, the image tokens and one answer token");
            int room = c.maxPositions() - length;
            GenerationConfig limited = config.withMaxNewTokens(Math.min(config.maxNewTokens(), room))
                    .withStop(c.eosTokenId()).withHiddenStatesOf(c.segTokenId());
            int[] columns = attentions == PassOptions.Attentions.SEG_TO_IMAGE ? imagePositions(promptOnly, n) : null;
            try (NDManager scratch = manager.newSubManager()) {
                NDArray embeds = splice(scratch, image.imageEmbeds(), promptOnly);
                // what the generation made belongs to scratch; what is kept moves to the caller's manager
                Generation g = timer.time("generate", () -> generator.generate(c.languageModel(), embeds, limited, columns));
                long[] ids = g.ids();
                int[] segPositions = Arrays.stream(g.hiddenStateIndices()).map(i -> length + i).toArray();
                NDArray segHidden = g.hiddenStates().isEmpty()
                        ? manager.zeros(new Shape(0, c.languageModel().hiddenSize()), embeds.getDataType())
                        : NDArrays.stack(new NDList(g.hiddenStates()));
                segHidden.attach(manager);
                g.attentions().forEach(a -> a.attach(manager));
                long[] answer = g.stoppedAtEos() ? append(ids, c.eosTokenId()) : ids;
                return new Generated(TokenInput.of(prompt, answer), ids, g.stoppedAtEos(), segPositions, segHidden,
                        g.attentions());
            }
        });
    }

    /** {@link #generate(NDManager, ImageEncoding, String, GenerationConfig, PassOptions.Attentions, StageTimer)} without attentions. */
    public Generated generate(NDManager manager, ImageEncoding image, String instruction, GenerationConfig config,
            StageTimer timer) {
        return generate(manager, image, instruction, config, PassOptions.Attentions.NONE, timer);
    }

    /** Teacher-forced ids for {@code instruction} and {@code answer} (text with its {@code [SEG]}s). */
    public TokenInput tokens(String instruction, String answer) {
        return tokens(instruction, answer, pkg.manifest().promptTemplate());
    }

    /** {@link #tokens(String, String)} with the conversation template {@code template} instead of the manifest's. */
    public TokenInput tokens(String instruction, String answer, String template) {
        if (answer == null) {
            throw new InvalidInputException("the answer of a teacher-forced call is null; give the answer text with"
                    + " one [SEG] per target, or call segment() to let the model write it");
        }
        return promptBuilder(template).withAnswer(Inputs.requireInstruction(instruction), answer);
    }

    /** The tokenizer, or an error that names the missing file. */
    public TextTokenizer requireTokenizer() {
        if (c.tokenizer() == null) {
            throw missingTokenizer(pkg);
        }
        return c.tokenizer();
    }

    /** The error of a package without tokenizer files, naming the folder. */
    static ModelPackageException missingTokenizer(ModelPackage pkg) {
        return new ModelPackageException("model package " + pkg.root() + " has no tokenizer: "
                + pkg.root().relativize(pkg.mllm()) + "/ holds neither tokenizer.json nor vocab.json + merges.txt;"
                + " text instructions need the tokenizer files of the language model's checkpoint");
    }

    private PromptBuilder promptBuilder(String template) {
        return new PromptBuilder(template, requireTokenizer());
    }

    private void requireFits(int tokens, String what) {
        if (tokens > c.maxPositions()) {
            throw new InvalidInputException(what + " take " + tokens + " tokens, more than the model's context of "
                    + c.maxPositions() + " (max_position_embeddings); shorten the instruction");
        }
    }

    /** Token embeddings of {@code tokens} with {@code imageEmbeds} in place of the placeholder. */
    private NDArray splice(NDManager manager, NDArray imageEmbeds, TokenInput tokens) {
        long[] ids = tokens.ids();
        int p = tokens.imageIndex();
        ids[p] = 0;
        NDArray embeds = c.languageModel().embed(manager.create(ids).reshape(1, ids.length));
        embeds.attach(manager);
        NDArray before = embeds.get(new NDIndex(":, :{}, :", p));
        NDArray after = embeds.get(new NDIndex(":, {}:, :", p + 1));
        return NDArrays.concat(new NDList(before, imageEmbeds.toType(embeds.getDataType(), false), after), 1);
    }

    private static NDArray labels(NDManager manager, TokenInput tokens, int imageTokens) {
        long[] ids = tokens.ids();
        long[] out = new long[tokens.expandedLength(imageTokens)];
        Arrays.fill(out, IGNORE_INDEX);
        int shift = imageTokens - 1;
        for (int i = tokens.answerStart(); i < ids.length; i++) {
            out[i + shift] = ids[i];
        }
        return manager.create(out).reshape(1, out.length);
    }

    private static AttentionCapture capture(PassOptions.Attentions which, int[] segPositions, int[] imagePositions) {
        return switch (which) {
            case NONE -> null;
            case ALL -> AttentionCapture.all();
            case SEG_TO_IMAGE -> segPositions.length == 0 ? null : AttentionCapture.slice(segPositions, imagePositions);
        };
    }

    private static NDArray rows(NDManager manager, NDArray hidden, int[] positions) {
        if (positions.length == 0) {
            return manager.zeros(new Shape(0, hidden.getShape().get(2)), hidden.getDataType());
        }
        long[] index = Arrays.stream(positions).asLongStream().toArray();
        return hidden.get(new NDIndex("0, {}", manager.create(index)));
    }

    private HeadOutput predict(NDManager manager, ImageEncoding image, NDArray queries) {
        if (queries.getShape().get(0) == 0) {
            int stride = c.head().inputSpec().levels().get(0).stride();
            int side = image.frameSize() / stride;
            return new HeadOutput(manager.zeros(new Shape(0, side, side), queries.getDataType()), List.of(), null, stride);
        }
        HeadOutput out = c.head().predict(image.maskFeatures(), queries);
        out.maskLogits().attach(manager);
        out.auxMaskLogits().forEach(a -> a.attach(manager));
        if (out.scores() != null) {
            out.scores().attach(manager);
        }
        return out;
    }

    private static NDArray keep(NDArray array, NDManager manager) {
        array.attach(manager);
        return array;
    }

    private static List<NDArray> keepAll(List<NDArray> arrays, NDManager manager) {
        List<NDArray> out = new ArrayList<>(arrays);
        out.forEach(a -> a.attach(manager));
        return out;
    }

    private static long[] append(long[] ids, long id) {
        long[] out = Arrays.copyOf(ids, ids.length + 1);
        out[ids.length] = id;
        return out;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new SegEarthException("the model is closed");
        }
    }

    /** Frees every weight; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> resources = c.resources();
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(SegEarthModel.class).debug("closing {} failed", resources.get(i), e);
            }
        }
        matmulContexts.forEach(MatmulContext::close);
        c.manager().close();
    }
}
