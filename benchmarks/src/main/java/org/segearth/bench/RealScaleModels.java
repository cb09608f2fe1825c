package org.segearth.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segearth.demo.DemoConfig;
import org.segearth.demo.internal.Initializer;
import org.segearth.demo.internal.Mask2FormerLayout;
import org.segearth.demo.internal.MiphaLayout;
import org.segearth.demo.internal.ParamSpec;
import org.segearth.spi.config.JsonConfig;

/**
 * Fabricates, with seeded random weights, the two folders SegEarth-R2 starts from at their real
 * sizes and layouts, to measure loading, memory and speed without downloading them:
 * <ul>
 * <li>{@code mipha3b/}: Mipha-3B (Phi-2: width 2560, 32 heads, MLP 10240, 51200 embedding and
 * {@code lm_head} rows; SigLIP-so400m-patch14-384: width 1152, 27 layers, 16 heads, MLP 4304, 384 /
 * 14 -> 27 x 27 patches; the {@code mlp2x_gelu} projector), BF16 in two shards with
 * {@code model.safetensors.index.json}, and tokenizer files in the form Mipha-3B ships them
 * ({@code vocab.json}, {@code merges.txt}, {@code added_tokens.json}, {@code tokenizer_config.json},
 * {@code special_tokens_map.json}, no {@code tokenizer.json}) with a small byte-level BPE;</li>
 * <li>{@code m2f-swinb/}: Mask2Former with Swin-B (embed 128, depths 2/2/18/2, heads 4/8/16/32,
 * window 12), the 6-layer MSDeformAttn pixel decoder and 9 decoder layers at width 256, F32.</li>
 * </ul>
 * The language model's depth is a parameter (32 for Mipha-3B); every width is real.
 *
 * <pre>{@code
 * RealScaleModels.write(Path.of("/tmp/realscale"), 2, 42); // then: segearth init --mllm .../mipha3b --mask-head .../m2f-swinb
 * }</pre>
 */
public final class RealScaleModels {

    /** Rows of Mipha-3B's embedding table and {@code lm_head}. */
    public static final int VOCAB_ROWS = 51200;
    /** Layers of Mipha-3B's Phi-2. */
    public static final int FULL_DEPTH = 32;

    private RealScaleModels() {}

    /** What was written. */
    public record Written(Path mllm, Path maskHead, long mllmBytes, long maskHeadBytes) {}

    /** The real configuration with {@code layers} language-model layers. */
    public static DemoConfig config(int layers) {
        return new DemoConfig(384, 14, 1152, 27, 16, 4304, 2560, layers, 32, 10240, 0.4, 2048, 8, 16, 0.05,
                1024, 4, 128, new int[] {2, 2, 18, 2}, new int[] {4, 8, 16, 32}, 12,
                256, 6, 1024, 10, 8, 2048, 0.02);
    }

    /** Writes {@code out/mipha3b} and {@code out/m2f-swinb}. */
    public static Written write(Path out, int layers, long seed) {
        if (layers < 1) {
            throw new IllegalArgumentException("layers must be >= 1, got " + layers);
        }
        DemoConfig c = config(layers);
        Initializer init = new Initializer(seed);
        ByteLevelVocabulary tokenizer = ByteLevelVocabulary.build();
        Path mllm = out.resolve("mipha3b");
        Path head = out.resolve("m2f-swinb");
        String miphaJson = bf16(c.miphaConfigJson(VOCAB_ROWS, tokenizer.eosId()));
        List<ParamSpec> mllmSpecs = MiphaLayout.specs(JsonConfig.parse(miphaJson, "mipha3b/config.json"));
        writeText(mllm.resolve("config.json"), miphaJson);
        long mllmBytes = writeShards(mllm, mllmSpecs, init);
        tokenizer.writeMiphaFiles(mllm);
        writeText(head.resolve("config.json"), c.maskHeadConfigJson());
        List<ParamSpec> headSpecs = Mask2FormerLayout.specs(c.maskHead());
        long headBytes = SafetensorsStream.write(head.resolve("model.safetensors"), headSpecs,
                SafetensorsStream.StoredType.F32, init::values);
        return new Written(mllm, head, mllmBytes, headBytes);
    }

    /** Two BF16 shards split at half the bytes, and their index, as {@code save_pretrained} writes them. */
    private static long writeShards(Path dir, List<ParamSpec> specs, Initializer init) {
        long total = specs.stream().mapToLong(ParamSpec::numel).sum() * 2;
        List<List<ParamSpec>> shards = List.of(new ArrayList<>(), new ArrayList<>());
        long bytes = 0;
        for (ParamSpec s : specs) {
            shards.get(bytes < total / 2 ? 0 : 1).add(s);
            bytes += s.numel() * 2;
        }
        JsonObject weightMap = new JsonObject();
        for (int i = 0; i < 2; i++) {
            String name = String.format("model-%05d-of-%05d.safetensors", i + 1, 2);
            SafetensorsStream.write(dir.resolve(name), shards.get(i), SafetensorsStream.StoredType.BF16, init::values);
            shards.get(i).forEach(s -> weightMap.addProperty(s.key(), name));
        }
        JsonObject index = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("total_size", total);
        index.add("metadata", meta);
        index.add("weight_map", weightMap);
        writeText(dir.resolve("model.safetensors.index.json"), pretty(index));
        return total;
    }

    private static String bf16(String configJson) {
        JsonObject o = JsonParser.parseString(configJson).getAsJsonObject();
        o.addProperty("torch_dtype", "bfloat16");
        return pretty(o);
    }

    static String pretty(Object json) {
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(json) + "\n";
    }

    static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code RealScaleModels OUT [--layers N] [--seed S]}: writes the two folders. */
    public static void main(String[] args) {
        if (args.length < 1 || args[0].startsWith("-")) {
            System.err.println("usage: RealScaleModels OUT [--layers N] [--seed S]");
            System.exit(2);
        }
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i], args[i + 1]);
        }
        int layers = Integer.parseInt(options.getOrDefault("--layers", Integer.toString(FULL_DEPTH)));
        long seed = Long.parseLong(options.getOrDefault("--seed", "42"));
        long start = System.nanoTime();
        Written w = write(Path.of(args[0]), layers, seed);
        System.out.printf("%s: %.2f GB BF16, %d language-model layers%n%s: %.2f GB F32%nwritten in %.0f s%n", w.mllm(),
                w.mllmBytes() / 1e9, layers, w.maskHead(), w.maskHeadBytes() / 1e9, (System.nanoTime() - start) / 1e9);
    }
}
