package org.segearth.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
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
import org.segearth.demo.DemoConfig;
import org.segearth.demo.internal.Init;
import org.segearth.demo.internal.Initializer;
import org.segearth.demo.internal.Mask2FormerLayout;
import org.segearth.demo.internal.ParamSpec;
import org.segearth.heads.mask2former.internal.Mask2FormerPixelDecoder;
import org.segearth.runtime.checkpoint.Checkpoint;

/**
 * The Mask2Former pixel decoder alone (6 MSDeformAttn encoder layers at width 256 over the three
 * coarsest Swin-B maps, then the FPN), at a 1024 x 1024 input, on seeded random weights and
 * inputs saved as safetensors so that {@code tools/reference/pixel_decoder_bench.py} runs the
 * PyTorch transcription on the same tensors and compares the outputs.
 *
 * <pre>{@code
 * java -cp "benchmarks/target/segearth-benchmarks-0.1.0-SNAPSHOT.jar:$(cat benchmarks/target/classpath.txt)" \
 *     -Dai.djl.pytorch.num_threads=2 org.segearth.bench.PixelDecoderBench /tmp/pixdec --runs 3
 * python3 tools/reference/pixel_decoder_bench.py /tmp/pixdec --runs 3 --threads 2
 * }</pre>
 *
 * Files in the folder: {@code pixel_decoder.safetensors} (the decoder's weights under their
 * checkpoint keys), {@code inputs.safetensors} ({@code features.0..3}: Swin-B's maps at strides
 * 4..32, finest first), {@code java_out.safetensors} ({@code multi_scale.0..2}, coarsest first,
 * and {@code mask_features}) and {@code java_report.json}. With {@code --profile FILE} one more
 * pass runs under libtorch's profiler (a Chrome trace written to {@code FILE}) and its totals per
 * operator and input shapes are printed; {@code --runs 0} times the warm-up pass alone.
 */
public final class PixelDecoderBench {

    /** The decoder's input side at the real size. */
    static final int IMAGE = 1024;
    static final int[] STRIDES = {4, 8, 16, 32};
    static final int[] CHANNELS = {128, 256, 512, 1024};
    static final String PREFIX = "model.pixel_level_module.decoder";

    private PixelDecoderBench() {}

    /** {@code PixelDecoderBench DIR [--runs N] [--seed S] [--profile TRACE.json]}. */
    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: PixelDecoderBench DIR [--runs N] [--seed S] [--profile TRACE.json]");
            System.exit(2);
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path dir = Path.of(args[0]);
        int runs = Integer.parseInt(options.getOrDefault("runs", "3"));
        long seed = Long.parseLong(options.getOrDefault("seed", "42"));
        Path weights = dir.resolve("pixel_decoder.safetensors");
        Path inputs = dir.resolve("inputs.safetensors");
        if (Files.notExists(weights) || Files.notExists(inputs)) {
            fabricate(weights, inputs, seed);
        }
        JsonObject report = new JsonObject();
        report.addProperty("started", Instant.now().toString());
        report.add("machine", Machine.describe());
        System.out.println("machine: " + report.get("machine"));
        try (NDManager manager = NDManager.newBaseManager();
                Checkpoint w = Checkpoint.open(weights, manager);
                Checkpoint in = Checkpoint.open(inputs, manager)) {
            Mask2FormerPixelDecoder decoder = decoder(w);
            List<NDArray> features = new ArrayList<>();
            for (int i = 0; i < STRIDES.length; i++) {
                int side = IMAGE / STRIDES[i];
                features.add(in.get("features." + i, 1, CHANNELS[i], side, side));
            }
            long rssLoaded = Machine.rss();
            double[] seconds = new double[runs + 1];
            long peak = 0;
            for (int r = 0; r <= runs; r++) {
                boolean last = r == runs;
                try (NDManager scope = manager.newSubManager()) {
                    Machine.Sampled<Mask2FormerPixelDecoder.Output> s = Machine.sampled(() -> run(decoder, features, scope));
                    seconds[r] = s.seconds();
                    peak = Math.max(peak, s.peakRss());
                    System.out.printf(Locale.ROOT, "%s %.3f s, peak RSS %s%n", r == 0 ? "warm-up" : "run " + r,
                            s.seconds(), Machine.gb(s.peakRss()));
                    if (last) {
                        writeOutput(dir.resolve("java_out.safetensors"), s.value());
                    }
                }
            }
            double[] timed = Arrays.copyOfRange(seconds, runs == 0 ? 0 : 1, seconds.length);
            Arrays.sort(timed);
            report.addProperty("runs", runs);
            report.add("seconds", array(seconds));
            report.addProperty("best", timed[0]);
            report.addProperty("median", timed[timed.length / 2]);
            report.addProperty("rss_loaded", rssLoaded);
            report.addProperty("peak_rss", peak);
            report.addProperty("working_set", peak - rssLoaded);
            report.addProperty("load_average_after", Machine.describe().get("load_average").getAsString());
            System.out.printf(Locale.ROOT, "pixel decoder at %d: best %.3f s, median %.3f s, peak RSS %s (%s above"
                    + " the loaded weights and inputs)%n", IMAGE, timed[0], timed[timed.length / 2], Machine.gb(peak),
                    Machine.gb(peak - rssLoaded));
            if (options.containsKey("profile")) {
                Path trace = Path.of(options.get("profile"));
                JniUtils.startProfile(false, true, false);
                try (NDManager scope = manager.newSubManager()) {
                    run(decoder, features, scope);
                }
                JniUtils.stopProfile(trace.toString());
                System.out.println("profiler trace: " + trace + "; operators by total time (nested ones counted"
                        + " in their callers too):");
                printProfile(trace, 30);
            }
        }
        Path json = dir.resolve("java_report.json");
        Path partial = dir.resolve("java_report.json.partial");
        Files.writeString(partial, RealScaleModels.pretty(report), StandardCharsets.UTF_8);
        Files.move(partial, json, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        System.out.println("report: " + json);
    }

    /** The decoder over {@code w} with the real configuration (HF's decoder: no ReLU after the lateral convolution). */
    static Mask2FormerPixelDecoder decoder(Checkpoint w) {
        return new Mask2FormerPixelDecoder(w.prefix(PREFIX), CHANNELS, STRIDES, 256, 256, 6, 1024, 8, 4);
    }

    /** One forward pass; the result lives in {@code scope} and holds plain values (the work is done). */
    static Mask2FormerPixelDecoder.Output run(Mask2FormerPixelDecoder decoder, List<NDArray> features, NDManager scope) {
        List<NDArray> local = new ArrayList<>();
        for (NDArray f : features) {
            NDArray view = f.get(":");
            view.attach(scope);
            local.add(view);
        }
        Mask2FormerPixelDecoder.Output out = decoder.forward(local);
        out.maskFeatures().getFloat(0, 0, 0, 0); // the engine is eager; this only makes the end explicit
        return out;
    }

    /**
     * The decoder's weights as {@link Mask2FormerLayout} makes them (Hugging Face's initialisation)
     * except the sampling-offset and attention-weight matrices, which start at zero there: small
     * normal values instead, so that every query samples its own points (as a trained decoder
     * does) and the comparison with PyTorch covers the bilinear weights away from the grid.
     */
    static void fabricate(Path weights, Path inputs, long seed) {
        DemoConfig c = RealScaleModels.config(1);
        List<ParamSpec> specs = new ArrayList<>();
        for (ParamSpec s : Mask2FormerLayout.specs(c.maskHead())) {
            if (!s.key().startsWith(PREFIX + ".")) {
                continue;
            }
            if (s.key().endsWith("self_attn.sampling_offsets.weight") || s.key().endsWith("self_attn.attention_weights.weight")) {
                s = new ParamSpec(s.key(), s.shape(), new Init.Normal(0.05));
            }
            specs.add(s);
        }
        Initializer init = new Initializer(seed);
        SafetensorsStream.write(weights, specs, SafetensorsStream.StoredType.F32, init::values);
        List<ParamSpec> maps = new ArrayList<>();
        for (int i = 0; i < STRIDES.length; i++) {
            int side = IMAGE / STRIDES[i];
            maps.add(ParamSpec.of("features." + i, new Init.Normal(1), 1, CHANNELS[i], side, side));
        }
        SafetensorsStream.write(inputs, maps, SafetensorsStream.StoredType.F32, init::values);
    }

    private static void writeOutput(Path file, Mask2FormerPixelDecoder.Output out) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (int i = 0; i < out.multiScaleFeatures().size(); i++) {
            tensors.put("multi_scale." + i, out.multiScaleFeatures().get(i));
        }
        tensors.put("mask_features", out.maskFeatures());
        List<ParamSpec> specs = new ArrayList<>();
        tensors.forEach((k, v) -> specs.add(ParamSpec.of(k, new Init.Constant(0), v.getShape().getShape())));
        SafetensorsStream.write(file, specs, SafetensorsStream.StoredType.F32, s -> tensors.get(s.key()).toFloatArray());
    }

    /** Sums the trace's complete events by operator and input shapes and prints the {@code top} largest. */
    static void printProfile(Path trace, int top) throws IOException {
        JsonElement root = JsonParser.parseString(Files.readString(trace, StandardCharsets.UTF_8));
        JsonArray events = root.isJsonArray() ? root.getAsJsonArray() : root.getAsJsonObject().getAsJsonArray("traceEvents");
        Map<String, double[]> totals = new LinkedHashMap<>();
        for (JsonElement e : events) {
            JsonObject o = e.getAsJsonObject();
            if (!"X".equals(o.has("ph") ? o.get("ph").getAsString() : "") || !o.has("dur")) {
                continue;
            }
            String key = o.get("name").getAsString() + " " + (o.has("shape") ? o.get("shape").toString() : "");
            double[] t = totals.computeIfAbsent(key, k -> new double[2]);
            t[0] += 1;
            t[1] += o.get("dur").getAsDouble() / 1e6;
        }
        totals.entrySet().stream()
                .filter(x -> !x.getKey().startsWith("aten::empty") && !x.getKey().startsWith("aten::as_strided"))
                .sorted((x, y) -> Double.compare(y.getValue()[1], x.getValue()[1]))
                .limit(top)
                .forEach(x -> System.out.printf(Locale.ROOT, "%9.3f s %6d x %s%n", x.getValue()[1], (long) x.getValue()[0],
                        x.getKey()));
    }

    private static JsonArray array(double[] values) {
        JsonArray a = new JsonArray();
        for (double v : values) {
            a.add(v);
        }
        return a;
    }
}
