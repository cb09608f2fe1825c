package org.segearth.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.Letterbox;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.image.SiglipPreprocessor;
import org.segearth.runtime.pipeline.DefaultSegmenter;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PackageAssembler;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.KvCache;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.SegmentationHead.HeadOutput;
import org.segearth.spi.nn.MatmulContext;
import org.segearth.api.Segmenter;
import org.segearth.demo.DemoConfig;

/**
 * The benchmark at SegEarth-R2's real shapes with random weights: fabricates the ingredients
 * ({@link RealScaleModels}) unless present, assembles the package, then measures in one process
 * the machine (GEMM throughput, memory bandwidth), the model's load, each component's time,
 * GFLOP, fraction of the measured GEMM throughput and peak RSS against its weights, the prefill
 * per layer (to extrapolate 32 layers), decoding against the memory-bandwidth bound, end to end
 * per image, and K instructions on one image. Writes {@code WORKDIR/bench-<time>.json}.
 *
 * <pre>
 * benchmarks/bench.sh WORKDIR                    # 32 layers (6.9 GB of ingredients)
 * LAYERS=2 benchmarks/bench.sh WORKDIR           # every width, 2 language-model layers
 * </pre>
 */
public final class Benchmark {

    /** Prompt positions of SegEarth-R2's template with one short instruction and 729 image tokens. */
    static final int PREFILL_POSITIONS = 829;

    private final Map<String, String> options;
    private final JsonObject report = new JsonObject();
    private final JsonObject components = new JsonObject();

    private Benchmark(Map<String, String> options) {
        this.options = options;
    }

    /** {@code Benchmark WORKDIR [--layers N] [--decode-tokens T] [--k K] [--runs 1|2] [--image FILE] [--gemm N]}. */
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: Benchmark WORKDIR [--layers N] [--decode-tokens T] [--k K] [--runs 1|2] [--image FILE] [--gemm N]");
            System.exit(2);
        }
        Map<String, String> options = new LinkedHashMap<>();
        options.put("work", args[0]);
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path out = new Benchmark(options).run();
        System.out.println("report: " + out);
    }

    private int option(String name, int fallback) {
        return Integer.parseInt(options.getOrDefault(name, Integer.toString(fallback)));
    }

    private Path run() throws IOException {
        Path work = Path.of(options.get("work"));
        int layers = option("layers", RealScaleModels.FULL_DEPTH);
        Path image = Path.of(options.getOrDefault("image", "docs/images/dubai-tile3-part004.jpg"));
        report.addProperty("started", Instant.now().toString());
        report.addProperty("layers", layers);
        report.add("machine", Machine.describe());
        log("machine: %s", report.get("machine"));

        Path ingredients = work.resolve("ingredients-" + layers);
        if (Files.notExists(ingredients.resolve("mipha3b/model.safetensors.index.json"))) {
            double t = seconds(() -> RealScaleModels.write(ingredients, layers, 42));
            log("fabricated %d layers in %.0f s", layers, t);
        }
        Path pkg = work.resolve("pkg-" + layers);
        if (Files.notExists(pkg.resolve("segearth.json"))) {
            PackageAssembler.assemble(ingredients.resolve("mipha3b"), ingredients.resolve("m2f-swinb"), pkg, 42);
        }
        report.addProperty("checkpoint_bytes_mllm", folderBytes(ingredients.resolve("mipha3b")));
        report.addProperty("checkpoint_bytes_mask_head", folderBytes(ingredients.resolve("m2f-swinb")));

        JsonObject throughput = new JsonObject();
        int n = option("gemm", 2048);
        try (NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            throughput.addProperty("gemm_n", n);
            throughput.addProperty("gemm_f32_gflops", Machine.gemmF32(m, n, 3));
            throughput.addProperty("gemm_f16_stored_gflops", Machine.gemmF16Stored(m, n, 3));
            throughput.addProperty("copy_bandwidth_gbs", Machine.copyBandwidth(m, 1024, 3));
            throughput.addProperty("bf16", "not measurable from Java: DJL 0.36 has no bfloat16 data type");
        }
        report.add("throughput", throughput);
        log("throughput: %s", throughput);
        double gemm = throughput.get("gemm_f32_gflops").getAsDouble();
        double bandwidth = throughput.get("copy_bandwidth_gbs").getAsDouble();

        long before = Machine.rss();
        Machine.Sampled<SegEarthModel> loaded = Machine.sampled(
                () -> SegEarthModel.load(ModelPackage.open(pkg), ModelOptions.defaults()));
        JsonObject load = new JsonObject();
        load.addProperty("seconds", loaded.seconds());
        load.addProperty("rss_before", before);
        load.addProperty("rss_after", Machine.rss());
        load.addProperty("peak_rss", loaded.peakRss());
        report.add("load", load);
        log("load: %.1f s, RSS %s", loaded.seconds(), Machine.gb(Machine.rss()));

        DemoConfig c = RealScaleModels.config(layers);
        RgbImage rgb = ImageDecoder.defaults().read(image);
        try (SegEarthModel model = loaded.value();
                MatmulContext matmuls = new MatmulContext(ModelOptions.defaults().precision(), model.manager());
                NDManager m = model.manager().newSubManager()) {
            long resident = Machine.rss();
            NDArray siglipPixels = SiglipPreprocessor.preprocess(rgb, model.visionEncoder().imageSize()).toNDArray(m);
            NDArray letterbox = Letterbox.apply(rgb, model.modelPackage().manifest().maskImageSize()).toNDArray(m);

            component("siglip_projector", siglipGflop(c), gemm, resident, matmuls,
                    () -> model.visionEncoder().encode(siglipPixels));
            List<NDArray> features = new ArrayList<>();
            component("swin_b", swinGflop(c), gemm, resident, matmuls, () -> {
                features.forEach(NDArray::close);
                features.clear();
                features.addAll(model.maskEncoder().encode(letterbox));
                return null;
            });
            for (int q : runs().length > 1 ? new int[] {1, 3} : new int[] {1}) {
                NDArray queries = model.projector().forward(m.randomNormal(new Shape(q, c.llmHidden())));
                // the pixel decoder dominates and is the same for any number of queries: one run for 3
                component("mask2former_head_" + q + "q", pixelDecoderGflop(c), gemm, resident, matmuls, () -> {
                    HeadOutput h = model.head().predict(features, queries);
                    return h.maskLogits();
                }, q == 1 ? runs() : new String[] {"warm"});
            }
            LanguageModel lm = model.languageModel();
            NDArray prompt = m.randomNormal(new Shape(1, PREFILL_POSITIONS, c.llmHidden())).mul(0.02);
            JsonObject prefill = component("phi_prefill", phiPrefillGflop(c, PREFILL_POSITIONS), gemm, resident,
                    matmuls, () -> lm.forward(prompt, null, ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.NONE))
                            .lastHiddenState());
            String last = runs()[runs().length - 1];
            double perLayer = prefill.get("seconds_" + last).getAsDouble() / layers; // embeddings and lm_head do not run
            prefill.addProperty("positions", PREFILL_POSITIONS);
            prefill.addProperty("seconds_per_layer", perLayer);
            prefill.addProperty("seconds_extrapolated_32_layers", perLayer * RealScaleModels.FULL_DEPTH);
            decode(lm, prompt, matmuls, bandwidth, option("decode-tokens", 16));
        }
        report.add("components", components);
        endToEnd(pkg, image, option("decode-tokens", 16), option("k", 3));
        report.addProperty("finished", Instant.now().toString());

        Path file = work.resolve("bench-" + Instant.now().toString().replace(':', '-') + ".json");
        Path tmp = work.resolve(file.getFileName() + ".tmp");
        Files.writeString(tmp, new GsonBuilder().setPrettyPrinting().create().toJson(report) + "\n",
                StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    /** A cold and a warm run of {@code body} (its result closed), with time, GFLOP, GEMM fraction and peak RSS. */
    private JsonObject component(String name, double gflop, double gemm, long resident, MatmulContext matmuls,
            java.util.function.Supplier<NDArray> body) {
        return component(name, gflop, gemm, resident, matmuls, body, runs());
    }

    /** {@code --runs 2} (default): a cold and a warm run per component; {@code --runs 1}: the cold one only. */
    private String[] runs() {
        return option("runs", 2) >= 2 ? new String[] {"cold", "warm"} : new String[] {"cold"};
    }

    /** As above with the given runs (the last is the one GFLOP/s are computed from). */
    private JsonObject component(String name, double gflop, double gemm, long resident, MatmulContext matmuls,
            java.util.function.Supplier<NDArray> body, String[] runs) {
        JsonObject o = new JsonObject();
        for (String run : runs) {
            // what the allocator kept from earlier components stays resident: the baseline is taken per run
            long rssBefore = Machine.rss();
            Machine.Sampled<NDArray> s = Machine.sampled(() -> matmuls.run(body));
            if (s.value() != null) {
                s.value().close();
            }
            o.addProperty("seconds_" + run, s.seconds());
            o.addProperty("peak_rss_" + run, s.peakRss());
            o.addProperty("rss_before_" + run, rssBefore);
            o.addProperty("working_set_" + run, s.peakRss() - rssBefore);
        }
        double warm = o.get("seconds_" + runs[runs.length - 1]).getAsDouble();
        o.addProperty("gflop", gflop);
        o.addProperty("gflops", gflop / warm);
        o.addProperty("fraction_of_gemm", gflop / warm / gemm);
        o.addProperty("rss_after_load", resident);
        components.add(name, o);
        log("%s: %s %.2f s, %.0f GFLOP, %.0f%% of GEMM, peak RSS %s", name, runs[runs.length - 1], warm, gflop,
                100 * gflop / warm / gemm, Machine.gb(o.get("peak_rss_" + runs[runs.length - 1]).getAsLong()));
        return o;
    }

    /** Token-by-token steps after a prefill: ms per token against the bandwidth bound. */
    private void decode(LanguageModel lm, NDArray prompt, MatmulContext matmuls, double bandwidth, int tokens) {
        long weightBytes = 0;
        for (Map.Entry<String, NDArray> e : lm.parameters().entrySet()) {
            if (!e.getKey().contains("embed_tokens")) {
                weightBytes += e.getValue().size() * e.getValue().getDataType().getNumOfBytes();
            }
        }
        long bytesPerToken = weightBytes; // lm_head is one of the parameters
        double[] ms = new double[tokens];
        matmuls.run(() -> {
            try (NDManager m = prompt.getManager().newSubManager();
                    KvCache cache = lm.newCache(1, PREFILL_POSITIONS + tokens + 1)) {
                ForwardOptions last = ForwardOptions.DEFAULT.withLogits(ForwardOptions.Logits.LAST);
                lm.forward(prompt, cache, last).logits().attach(m);
                for (int i = 0; i < tokens; i++) {
                    try (NDManager step = m.newSubManager()) {
                        NDArray x = lm.embed(step.create(new long[] {13 + i}).reshape(1, 1));
                        long t = System.nanoTime();
                        LanguageModelOutput o = lm.forward(x, cache, last);
                        o.logits().attach(step);
                        o.lastHiddenState().attach(step);
                        o.logits().getFloat(0, 0, 0);
                        ms[i] = (System.nanoTime() - t) / 1e6;
                    }
                }
            }
            return null;
        });
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        double median = sorted[tokens / 2];
        double bound = bytesPerToken / (bandwidth * 1e9) * 1e3;
        JsonObject o = new JsonObject();
        o.addProperty("tokens", tokens);
        o.addProperty("ms_per_token_median", median);
        o.addProperty("ms_per_token_first", ms[0]);
        o.addProperty("weights_bytes_per_token", bytesPerToken);
        o.addProperty("bandwidth_bound_ms", bound);
        o.addProperty("ratio_to_bound", median / bound);
        components.add("phi_decode", o);
        log("decode: %.1f ms/token (bound %.1f ms at %.1f GB/s, %s per token)", median, bound, bandwidth,
                Machine.gb(bytesPerToken));
    }

    /**
     * The whole pipeline per image: a generative call on a fresh image (decode, both encoders, the
     * language model once, the head), then K - 1 more instructions on the same image, teacher-forced
     * with two targets each (the feature cache serves the encoders: the language model and the head
     * run per instruction).
     */
    private void endToEnd(Path pkg, Path image, int newTokens, int k) {
        JsonObject e2e = new JsonObject();
        JsonArray scaling = new JsonArray();
        try (DefaultSegmenter s = (DefaultSegmenter) Segmenter.builder().model(pkg).maxNewTokens(newTokens).build()) {
            Machine.Sampled<SegmentationResult> gen = Machine.sampled(
                    () -> s.segment(ImageSource.of(image), "segment the water and the buildings"));
            e2e.add("generative", result(gen));
            scaling.add(result(gen));
            for (int i = 1; i < k; i++) {
                Machine.Sampled<SegmentationResult> r = Machine.sampled(() -> s.segmentWithAnswer(ImageSource.of(image),
                        "segment the water and the buildings", "The water [SEG] and the buildings [SEG]."));
                scaling.add(result(r));
            }
        }
        e2e.add("k_instructions_one_image", scaling);
        report.add("end_to_end", e2e);
    }

    private JsonObject result(Machine.Sampled<SegmentationResult> r) {
        JsonObject o = new JsonObject();
        o.addProperty("seconds", r.seconds());
        o.addProperty("peak_rss", r.peakRss());
        o.addProperty("targets", r.value().targets().size());
        o.addProperty("answer_characters", r.value().answer().length());
        JsonObject stages = new JsonObject();
        for (SegmentationResult.Timing t : r.value().timings()) {
            stages.addProperty(t.stage(), t.duration().toNanos() / 1e9);
        }
        o.add("stages_seconds", stages);
        log("end to end: %.1f s, %d targets, stages %s", r.seconds(), r.value().targets().size(), stages);
        return o;
    }

    // ---- GFLOP of each component (multiply-adds x 2; normalisations, softmax and activations left out)

    /** SigLIP (every layer) and the mlp2x_gelu projector on one image. */
    static double siglipGflop(DemoConfig c) {
        double t = Math.pow(c.visionImageSize() / c.visionPatchSize(), 2);
        double d = c.visionHidden();
        double patch = 2 * t * 3 * c.visionPatchSize() * c.visionPatchSize() * d;
        double layer = 2 * t * (4 * d * d + 2 * d * c.visionMlp()) + 4 * t * t * d;
        double projector = 2 * t * (d * c.llmHidden() + (double) c.llmHidden() * c.llmHidden());
        return (patch + c.visionLayers() * layer + projector) / 1e9;
    }

    /** Phi's decoder layers on {@code positions} tokens (the full attention matrix, as the eager path computes it). */
    static double phiPrefillGflop(DemoConfig c, int positions) {
        double t = positions;
        double d = c.llmHidden();
        double layer = 2 * t * (4 * d * d + 2 * d * c.llmMlp()) + 4 * t * t * d;
        return c.llmLayers() * layer / 1e9;
    }

    /** Swin-B at the mask branch's input (window attention, patch merging; padding to whole windows left out). */
    static double swinGflop(DemoConfig c) {
        double side = c.maskImageSize() / (double) c.swinPatchSize();
        double n = side * side;
        double channels = c.swinEmbed();
        double total = 2 * n * 3 * c.swinPatchSize() * c.swinPatchSize() * channels;
        int[] depths = c.swinDepths();
        double window = Math.pow(c.swinWindow(), 2);
        for (int s = 0; s < depths.length; s++) {
            total += depths[s] * (24 * n * channels * channels + 4 * n * window * channels);
            if (s < depths.length - 1) {
                total += 4 * n * channels * channels;
                n /= 4;
                channels *= 2;
            }
        }
        return total / 1e9;
    }

    /**
     * The Mask2Former head's dense work, which its pixel decoder dominates: the MSDeformAttn encoder
     * layers over the strides 8, 16, 32 (projections, offsets, weights, FFN), the input projections,
     * and the stride-4 lateral and 3x3 output convolutions and mask features; the transformer
     * decoder's few queries and the sampling itself are left out.
     */
    static double pixelDecoderGflop(DemoConfig c) {
        double side = c.maskImageSize() / 4.0;
        double d = c.headHidden();
        double tokens = 0;
        double inputProjections = 0;
        int channels = c.swinEmbed();
        for (int level = 0; level < 4; level++) {
            double n = Math.pow(side / (1 << level), 2);
            if (level > 0) {
                tokens += n;
                inputProjections += 2 * n * channels * 2 * d;
            }
            channels *= 2;
        }
        int levels = 3;
        int heads = 8;
        int points = 4;
        double layer = 2 * tokens * (2 * d * d + d * heads * levels * points * 3 + 2 * d * c.pixelDecoderFfn());
        double stride4 = side * side;
        double convs = 2 * stride4 * c.swinEmbed() * d + 2 * stride4 * d * d * 9 + 2 * stride4 * d * d;
        return (c.pixelDecoderLayers() * layer + inputProjections + convs) / 1e9;
    }

    private static long folderBytes(Path dir) {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double seconds(Runnable body) {
        long t = System.nanoTime();
        body.run();
        return (System.nanoTime() - t) / 1e9;
    }

    private static void log(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
    }
}
