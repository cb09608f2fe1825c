package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.segearth.api.Heatmap;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import org.segearth.api.Target;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.internal.FeatureCache;
import org.segearth.runtime.pipeline.internal.Heatmaps;
import org.segearth.runtime.pipeline.internal.MaskPostprocessor;
import org.segearth.runtime.pipeline.internal.Phrases;
import org.segearth.runtime.text.GenerationConfig;

/**
 * The {@link Segmenter} of the SDK: a {@link SegEarthModel}, a per-image feature cache and the
 * conversion of arrays to result values. Thread-safe: calls run concurrently, each in its own
 * child {@link NDManager}; {@link #close()} waits for running calls.
 *
 * <pre>{@code
 * try (Segmenter seg = new DefaultSegmenter(SegEarthModel.load(pkg, options), Segmenter.builder().settings())) {
 *     SegmentationResult r = seg.segment(ImageSource.of(Path.of("port.png")), "segment the ships");
 * }
 * }</pre>
 */
public final class DefaultSegmenter implements Segmenter {

    private final SegEarthModel model;
    private final SegmenterBuilder.Settings settings;
    private final FeatureCache cache;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    /** Wraps {@code model} (closed with this segmenter) with {@code settings}' generation and cache settings. */
    public DefaultSegmenter(SegEarthModel model, SegmenterBuilder.Settings settings) {
        this.model = model;
        this.settings = settings;
        this.cache = new FeatureCache(model.manager(), settings.featureCacheSize());
    }

    /** The model behind this segmenter. */
    public SegEarthModel model() {
        return model;
    }

    /** The feature cache (for statistics). */
    public FeatureCache cache() {
        return cache;
    }

    /**
     * Encodes the images whose features are not cached yet in one batch through both encoders and
     * caches them, so that the {@code segment} calls on these images that follow skip the encoders
     * (e.g. the tiles of a scene: on CPU, a batch of small images costs less than one call each).
     * At most the cache's capacity is useful; returns how many images were encoded.
     */
    public int prefetch(List<ImageSource> images) {
        List<RgbImage> decoded = new ArrayList<>();
        for (ImageSource source : images) {
            decoded.add(decode(source));
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new SegEarthException("the segmenter is closed");
            }
            return cache.prefetch(decoded, (managers, imgs) -> model.encodeImages(managers, imgs, new StageTimer()));
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public SegmentationResult segment(ImageSource image, String instruction) {
        return run(image, instruction, null);
    }

    @Override
    public SegmentationResult segmentWithAnswer(ImageSource image, String instruction, String answer) {
        if (answer == null) {
            throw new InvalidInputException("the answer is null; give the answer text with one [SEG] per target,"
                    + " or call segment() to let the model write it");
        }
        return run(image, instruction, answer);
    }

    private SegmentationResult run(ImageSource source, String instruction, String answer) {
        String text = Inputs.requireInstruction(instruction);
        if (source == null) {
            throw new InvalidInputException("the image is null");
        }
        StageTimer timer = new StageTimer();
        RgbImage image = timer.time("decode", () -> decode(source));
        lock.readLock().lock();
        try {
            if (closed) {
                throw new SegEarthException("the segmenter is closed");
            }
            try (NDManager call = model.manager().newSubManager();
                    FeatureCache.Lease lease = cache.acquire(image, m -> model.encodeImage(m, image, false, timer))) {
                return segment(call, lease.encoding(), image, text, answer, timer);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private SegmentationResult segment(NDManager call, ImageEncoding encoding, RgbImage image, String instruction,
            String answer, StageTimer timer) {
        TokenInput tokens;
        String answerText;
        List<String> phrases;
        SegEarthOutput out;
        PassOptions.Attentions attentions = settings.attentionHeatmaps() ? PassOptions.Attentions.SEG_TO_IMAGE
                : PassOptions.Attentions.NONE;
        if (answer == null) {
            // one language-model pass: the [SEG] states and attentions come from the generation itself
            Generated g = model.generate(call, encoding, instruction, generationConfig(), attentions, timer);
            tokens = g.tokens();
            answerText = model.requireTokenizer().decode(g.answerIds()).strip();
            phrases = Phrases.fromIds(g.answerIds(), model.segTokenId(), model.requireTokenizer(), phrasePosition());
            out = model.segment(call, encoding, g, timer);
        } else {
            tokens = timer.time("prompt", () -> model.tokens(instruction, answer));
            answerText = answer;
            phrases = null;
            out = model.forward(call, encoding, tokens, new PassOptions(false, attentions), timer);
        }
        if (phrases == null) {
            phrases = Phrases.fromText(answer, model.modelPackage().manifest().segToken(), out.numTargets(),
                    phrasePosition());
        }
        if (phrases == null || phrases.size() < out.numTargets()) {
            phrases = Phrases.fromIds(tokens.answer(), model.segTokenId(), model.requireTokenizer(), phrasePosition());
        }
        List<String> finalPhrases = phrases;
        MaskPostprocessor.Packed packed = timer.time("postprocess", () -> out.original().pack(settings.maskLogits()));
        List<Target> targets = timer.time("targets", () -> targets(out, packed, finalPhrases, image));
        return new SegmentationResult(answerText, targets, image.width(), image.height(), timer.timings());
    }

    private Manifest.PhrasePosition phrasePosition() {
        return model.modelPackage().manifest().phrases();
    }

    /**
     * The result's targets from the masks packed a band of rows at a time: no full-size array of
     * logits, masks or bytes is made (only the logits as heatmaps when the settings ask for them).
     */
    private List<Target> targets(SegEarthOutput out, MaskPostprocessor.Packed packed, List<String> phrases,
            RgbImage image) {
        int n = out.numTargets();
        float[] scores = out.headScores() != null ? out.headScores().toFloatArray() : packed.scores();
        List<Heatmap> heatmaps = settings.attentionHeatmaps() && n > 0 ? Heatmaps.of(out.attentions()) : List.of();
        List<Target> targets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Optional<Heatmap> logits = packed.logits() == null ? Optional.empty()
                    : Optional.of(new Heatmap(image.width(), image.height(), packed.logits().get(i)));
            Optional<Heatmap> heatmap = heatmaps.isEmpty() ? Optional.empty() : Optional.of(heatmaps.get(i));
            targets.add(new Target(i, i < phrases.size() ? phrases.get(i) : "", packed.masks().get(i), scores[i],
                    heatmap, logits));
        }
        return targets;
    }

    private GenerationConfig generationConfig() {
        return new GenerationConfig(settings.maxNewTokens(), settings.temperature(), settings.topP(), settings.seed(),
                model.eosTokenId(), java.util.Set.of());
    }

    private static RgbImage decode(ImageSource source) {
        RgbImage image;
        try {
            if (source instanceof ImageSource.File f) {
                image = ImageDecoder.defaults().read(f.path());
            } else if (source instanceof ImageSource.Buffered b) {
                // read during this call only: the decoder's compact pictures are used without a copy
                image = ImageDecoder.borrow(b.image());
            } else {
                ImageSource.Rgb r = (ImageSource.Rgb) source;
                image = ImageDecoder.defaults().fromRgb(r.width(), r.height(), r.rgb());
            }
        } catch (InvalidInputException e) {
            throw e;
        } catch (SegEarthException e) {
            throw new InvalidInputException(e.getMessage(), e);
        }
        return Inputs.requireImageSize(image, ImageDecoder.defaults().maxPixels());
    }

    /** Frees the cache and the model; waits for running calls; idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cache.close();
            model.close();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
