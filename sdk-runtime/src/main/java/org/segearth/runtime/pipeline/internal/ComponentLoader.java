package org.segearth.runtime.pipeline.internal;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.segearth.api.InvalidInputException;
import org.segearth.api.ModelPackageException;
import org.segearth.api.ProviderNotFoundException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.SegTokenProjector;
import org.segearth.runtime.registry.ProviderRegistry;
import org.segearth.runtime.text.TextTokenizer;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelProvider;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.VisionEncoderProvider;
import org.segearth.spi.Weights;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.LoraConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles a {@link ModelPackage}: the vision encoder and the language model from one checkpoint
 * of {@code mllm/} (strict: every key but the vision tower's unused parts must be read), the LoRA
 * adapter, the mask encoder and head from {@code mask_head/} with their feature specs checked, the
 * [SEG] projector, the tokenizer; {@code trained.safetensors} overrides base weights by key
 * ({@code mllm.*}, {@code adapter.*}, {@code mask_head.*}, {@code seg_projector.*}).
 */
public final class ComponentLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ComponentLoader.class);

    /** mllm/ keys that a vision encoder may leave unread (post-layernorm, pooling head, layers after the selected one). */
    static final String VISION_TOWER_PREFIX = "model.vision_tower.";

    private final ModelPackage pkg;
    private final ModelOptions options;
    private final ProviderRegistry registry = new ProviderRegistry(ComponentLoader.class.getClassLoader());
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<Checkpoint> checkpoints = new ArrayList<>();
    private final boolean headersOnly;
    private NDManager manager;
    private Checkpoint trained;
    private TextTokenizer tokenizer;

    private ComponentLoader(ModelPackage pkg, ModelOptions options, boolean headersOnly, TextTokenizer checked) {
        this.pkg = pkg;
        this.options = options;
        this.headersOnly = headersOnly;
        this.tokenizer = checked;
    }

    /**
     * Loads every part of {@code pkg}; on failure, frees what was loaded. Before any tensor data
     * is read, {@link #check} runs the same loaders on the checkpoints' headers.
     */
    public static Components load(ModelPackage pkg, ModelOptions options) {
        TextTokenizer checked = check(pkg, options);
        ComponentLoader loader = new ComponentLoader(pkg, options, false, checked);
        if (checked != null) {
            loader.opened.add(checked);
        }
        try {
            return loader.load();
        } catch (RuntimeException e) {
            loader.closeAll();
            throw e;
        }
    }

    /**
     * Checks that {@code pkg} can load without reading any tensor data: providers, configs and the
     * tokenizer, then every component built on placeholders that carry the checkpoints' shapes
     * (from the safetensors headers), so that every key and shape is checked, and unread keys
     * found, in seconds whatever the model's size. Returns the tokenizer it opened (null when the
     * package has none), for the load to use.
     *
     * @throws ModelPackageException naming the file and what is wrong
     */
    /**
     * Checks that {@code pkg} can load, as {@link #load} checks it before reading any tensor data
     * (providers, configs, tokenizer, every key and shape against the headers), without reading
     * tensor data and without judging this machine's memory: for tools that make packages.
     *
     * @throws ModelPackageException naming the file and what is wrong
     */
    public static void verify(ModelPackage pkg, ModelOptions options) {
        TextTokenizer t = dryRun(pkg, options).tokenizer();
        if (t != null) {
            t.close();
        }
    }

    private static TextTokenizer check(ModelPackage pkg, ModelOptions options) {
        DryRun dry = dryRun(pkg, options);
        TextTokenizer checked = dry.tokenizer();
        long weightBytes = dry.weightBytes();
        try {
            MemoryBudget.requireRoomFor(pkg.root(), weightBytes, options.precision());
        } catch (RuntimeException e) {
            if (checked != null) {
                checked.close();
            }
            throw e;
        }
        return checked;
    }

    /** What a dry run found: the tokenizer it opened (or null) and the bytes of weights to load. */
    private record DryRun(TextTokenizer tokenizer, long weightBytes) {}

    private static DryRun dryRun(ModelPackage pkg, ModelOptions options) {
        long start = System.nanoTime();
        // the adapter is checked unmerged: merging would compute on the placeholders
        ComponentLoader dry = new ComponentLoader(pkg, options.withMergedAdapter(false), true, null);
        long weightBytes;
        TextTokenizer checked;
        try {
            dry.load();
            weightBytes = dry.checkpoints.stream().mapToLong(Checkpoint::placeholderBytes).sum();
            checked = dry.tokenizer;
            dry.opened.remove(checked); // handed over to the load
        } finally {
            dry.closeAll();
        }
        LOG.debug("model package {} checked in {} ms: {} MB of weights to load", pkg.root(),
                (System.nanoTime() - start) / 1_000_000, weightBytes >> 20);
        return new DryRun(checked, weightBytes);
    }

    private Components load() {
        Manifest manifest = pkg.manifest();
        String headName = options.head() != null ? options.head() : manifest.head();
        String encoderName = maskEncoderName(manifest, headName);
        // providers first: an unknown name fails before any weight is read
        VisionEncoderProvider visionProvider = registry.find(VisionEncoderProvider.class, manifest.visionEncoder());
        LanguageModelProvider lmProvider = registry.find(LanguageModelProvider.class, manifest.languageModel());
        MaskEncoderProvider encoderProvider = registry.find(MaskEncoderProvider.class, encoderName);
        SegmentationHeadProvider headProvider = registry.find(SegmentationHeadProvider.class, headName);
        if (tokenizer == null) {
            tokenizer = pkg.tokenizer().map(this::tokenizer).orElse(null);
        }
        manager = Engines.pytorch().newBaseManager(device(options.device()));
        if (options.threads() > 0) {
            JniUtils.setNumThreads(options.threads());
        }
        trained = pkg.trained().map(p -> open(p, "trained.safetensors")).orElse(null);
        Checkpoint mllm = open(pkg.mllm(), "mllm/");
        ComponentContext mllmContext = context(pkg.mllm(), mllm, "mllm");
        VisionEncoder vision = component("vision encoder '" + visionProvider.name() + "' (mllm/)",
                () -> visionProvider.create(mllmContext));
        LanguageModel lm = component("language model '" + lmProvider.name() + "' (mllm/)",
                () -> lmProvider.create(mllmContext));
        requireUsed(mllm, "mllm/", "the vision encoder and the language model", "mllm", VISION_TOWER_PREFIX);
        pkg.adapter().ifPresent(dir -> applyAdapter(lm, dir));
        Checkpoint maskCheckpoint = open(pkg.maskHead(), "mask_head/");
        ComponentContext maskContext = context(pkg.maskHead(), maskCheckpoint, "mask_head");
        MaskEncoder maskEncoder = component("mask encoder '" + encoderName + "' (mask_head/)",
                () -> encoderProvider.create(maskContext));
        SegmentationHead head = component("segmentation head '" + headName + "' (mask_head/)",
                () -> headProvider.create(maskContext));
        checkSpec(head, headName, maskEncoder, encoderName);
        LOG.debug("mask_head/ keys left unread: {}", maskCheckpoint.unusedKeys());
        Checkpoint seg = open(pkg.segProjector(), "seg_projector.safetensors");
        SegTokenProjector projector = SegTokenProjector.load(OverlayWeights.of(seg, trained, "seg_projector"),
                lm.hiddenSize(), head.queryDim());
        requireUsed(seg, "seg_projector.safetensors", "the [SEG] projector", "seg_projector", null);
        if (trained != null) {
            requireUsed(trained, "trained.safetensors", "any component", null, null);
        }
        return finish(vision, lm, maskEncoder, head, headName, encoderName, projector);
    }

    private Components finish(VisionEncoder vision, LanguageModel lm, MaskEncoder maskEncoder, SegmentationHead head,
            String headName, String encoderName, SegTokenProjector projector) {
        long segId = segTokenId(tokenizer, lm);
        long eosId = tokenizer != null && tokenizer.eosTokenId() >= 0 ? tokenizer.eosTokenId() : lm.eosTokenId();
        int maxPositions = config(pkg.mllm()).getInt("max_position_embeddings", 2048);
        LOG.atLevel(headersOnly ? org.slf4j.event.Level.DEBUG : org.slf4j.event.Level.INFO).log(
                "model package {} {}: {} + {} + {} + {}, [SEG] = {}, eos = {}, context {}", pkg.root(),
                headersOnly ? "checked" : "loaded", pkg.manifest().visionEncoder(), pkg.manifest().languageModel(),
                encoderName, headName, segId, eosId, maxPositions);
        return new Components(manager, vision, lm, maskEncoder, head, headName, projector, tokenizer, segId, eosId,
                maxPositions, opened);
    }

    private ComponentContext context(Path dir, Checkpoint checkpoint, String part) {
        return new ComponentContext(dir, config(dir), OverlayWeights.of(checkpoint, trained, part), componentOptions());
    }

    /** Creates a component and registers it for closing. */
    private <T extends AutoCloseable> T component(String what, Supplier<T> work) {
        T c = create(what, work);
        opened.add(c);
        return c;
    }

    private static Device device(String name) {
        String d = name.strip().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("gpu") || d.equals("cuda")) {
            return Device.gpu();
        }
        if (d.startsWith("gpu:") || d.startsWith("cuda:")) {
            try {
                return Device.gpu(Integer.parseInt(d.substring(d.indexOf(':') + 1)));
            } catch (NumberFormatException e) {
                throw new InvalidInputException("device '" + name + "' has no valid GPU number; use e.g. gpu:0", e);
            }
        }
        throw new InvalidInputException("device '" + name + "' is unknown; use cpu, gpu or gpu:N");
    }

    private Map<String, String> componentOptions() {
        Map<String, String> out = new HashMap<>();
        out.put("engine", options.engine().equals("onnx") ? "onnx" : "java");
        if (options.threads() > 0) {
            out.put("threads", Integer.toString(options.threads()));
        }
        return out;
    }

    private static String maskEncoderName(Manifest manifest, String headName) {
        if (headName.equals(manifest.head())) {
            return manifest.maskEncoder();
        }
        boolean own = new ProviderRegistry(ComponentLoader.class.getClassLoader()).all(MaskEncoderProvider.class)
                .stream().anyMatch(p -> p.name().equals(headName));
        return own ? headName : manifest.maskEncoder();
    }

    private void applyAdapter(LanguageModel lm, Path dir) {
        LoraConfig config = LoraConfig.from(JsonConfig.read(dir.resolve("adapter_config.json")));
        Checkpoint adapter = open(dir.resolve("adapter_model.safetensors"), "adapter/");
        create("LoRA adapter (adapter/)", () -> {
            lm.applyAdapter(config, OverlayWeights.of(adapter, trained, "adapter"), options.mergeAdapter());
            return lm;
        });
        requireUsed(adapter, "adapter/adapter_model.safetensors", "the language model's adapter", "adapter", null);
    }

    private static void checkSpec(SegmentationHead head, String headName, MaskEncoder encoder, String encoderName) {
        try {
            head.inputSpec().requireSatisfiedBy(encoder.outputSpec(), encoderName, headName);
        } catch (SegEarthException e) {
            throw new ModelPackageException("mask_head/: " + e.getMessage(), e);
        }
    }

    private TextTokenizer tokenizer(Path file) {
        TextTokenizer t = create("tokenizer (mllm/)", () -> TextTokenizer.openFolder(file));
        opened.add(t);
        return t;
    }

    private static long segTokenId(TextTokenizer tokenizer, LanguageModel lm) {
        if (tokenizer == null) {
            return lm.embeddingRows() - 1L; // [SEG] is the last token added to the vocabulary
        }
        if (tokenizer.segTokenId() >= lm.embeddingRows()) {
            throw new ModelPackageException("the tokenizer of mllm/ gives [SEG] the id " + tokenizer.segTokenId()
                    + " but the embedding table has " + lm.embeddingRows() + " rows; the tokenizer and the"
                    + " checkpoint do not belong together (resize the embeddings after adding [SEG])");
        }
        return tokenizer.segTokenId();
    }

    private Checkpoint open(Path path, String what) {
        DataType matrices = options.precision().keepsSixteenBit() ? DataType.FLOAT16 : DataType.FLOAT32;
        Checkpoint c = create(what, () -> headersOnly
                ? Checkpoint.openHeaders(path, manager, DataType.FLOAT32, matrices)
                : Checkpoint.open(path, manager, DataType.FLOAT32, matrices));
        opened.add(c);
        checkpoints.add(c);
        return c;
    }

    private JsonConfig config(Path dir) {
        return create(pkg.root().relativize(dir) + "/config.json", () -> JsonConfig.read(dir.resolve("config.json")));
    }

    /**
     * Fails when {@code checkpoint} has keys nobody read, except those below {@code allowed} and
     * those {@code trained.safetensors} overrides under {@code part}.
     */
    private void requireUsed(Checkpoint checkpoint, String file, String readers, String part, String allowed) {
        Set<String> overridden = trained == null || part == null ? Set.of()
                : trained.prefix(part).keys();
        List<String> unused = checkpoint.unusedKeys().stream()
                .filter(k -> allowed == null || !k.startsWith(allowed))
                .filter(k -> !overridden.contains(k))
                .collect(Collectors.toList());
        if (!unused.isEmpty()) {
            throw new ModelPackageException("model package " + pkg.root() + ": " + file + " has " + unused.size()
                    + " keys that " + readers + " did not read: " + unused.stream().limit(10).toList()
                    + (unused.size() > 10 ? " ..." : "") + "; is it a checkpoint of another model or layout?");
        }
    }

    private <T> T create(String what, Supplier<T> work) {
        try {
            return work.get();
        } catch (ModelPackageException | ProviderNotFoundException | InvalidInputException e) {
            throw e;
        } catch (SegEarthException e) {
            throw new ModelPackageException("model package " + pkg.root() + ": cannot load the " + what + ": "
                    + e.getMessage(), e);
        }
    }

    private void closeAll() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", opened.get(i), e);
            }
        }
        if (manager != null) {
            manager.close();
        }
    }
}
