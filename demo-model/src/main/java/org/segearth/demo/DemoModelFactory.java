package org.segearth.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.demo.internal.Init;
import org.segearth.demo.internal.Initializer;
import org.segearth.demo.internal.Mask2FormerLayout;
import org.segearth.demo.internal.MiphaLayout;
import org.segearth.demo.internal.ParamSpec;
import org.segearth.runtime.Engines;
import org.segearth.runtime.SdkInfo;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.spi.config.JsonConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the demo model's initial package: SegEarth-R2's architecture at {@link DemoConfig}'s
 * sizes, every weight seeded-random (F32), in exactly the layouts the SDK's loaders read
 * ({@link org.segearth.runtime.pipeline.ModelPackage}):
 *
 * <pre>
 * segearth.json                 manifest: "SegEarth demo (Dubai)", siglip + phi + swin + mask2former, mask side 224
 * mllm/config.json              Mipha (mipha_phi) with vision_config.{vision_tower, mm_projector}
 * mllm/model.safetensors        Phi (model.*, bias-free lm_head), model.vision_tower.vision_model.*, model.mm_projector.{0,2}.*
 * mllm/tokenizer.json           the demo tokenizer (embedding rows and lm_head sized to it)
 * adapter/                      PEFT LoRA on q_proj and v_proj (A kaiming-uniform, B zero), optional
 * mask_head/config.json         Mask2Former with a Swin backbone_config
 * mask_head/model.safetensors   every key Hugging Face's Mask2FormerForUniversalSegmentation saves
 * seg_projector.safetensors     weight [head width, Phi width], bias
 * </pre>
 *
 * <pre>{@code
 * DemoModelFactory.Summary s = DemoModelFactory.create(Path.of("demo-init"), DemoConfig.proposed(), 42, true);
 * }</pre>
 */
public final class DemoModelFactory {

    private static final Logger LOG = LoggerFactory.getLogger(DemoModelFactory.class);

    /** The demo tokenizer on the class path. */
    public static final String TOKENIZER_RESOURCE = "/org/segearth/demo/tokenizer.json";

    /** The byte-level BPE tokenizer on the class path (GPT-2's first merges, {@link TokenizerBuilder#buildBpe}). */
    public static final String BPE_TOKENIZER_RESOURCE = "/org/segearth/demo/tokenizer-bpe.json";

    /**
     * The system property choosing the tokenizer of a new initial package: {@code word} (the shipped
     * model's word-level vocabulary, the default) or {@code bpe} (byte-level BPE).
     */
    public static final String TOKENIZER_PROPERTY = "segearth.demo.tokenizer";

    /** The manifest's name of the demo model. */
    public static final String NAME = "SegEarth demo (Dubai)";

    /** The manifest's description of a package with the word-level tokenizer: what the model is and is not. */
    public static final String DESCRIPTION = "A demo model trained on 54 Dubai tiles, not SegEarth-R2: a small model of"
            + " the SegEarth-R2 architecture (SigLIP + Phi with LoRA + Swin/Mask2Former, [SEG] queries) trained from"
            + " scratch on views of 48 Dubai aerial tiles (6 more held out for validation; 5 classes: buildings, unpaved"
            + " land, roads, vegetation, water). It understands only the demo vocabulary.";

    /** The manifest's description of a package with the byte-level BPE tokenizer (the generalising recipe). */
    public static final String BPE_DESCRIPTION = "A demo model trained on 54 Dubai tiles, not SegEarth-R2: a small model"
            + " of the SegEarth-R2 architecture (SigLIP + Phi with LoRA + Swin/Mask2Former, [SEG] queries) trained from"
            + " scratch on augmented views of 48 Dubai aerial tiles (6 more held out for validation; 5 classes:"
            + " buildings, unpaved land, roads, vegetation, water). Its byte-level BPE tokenizer reads any text, but it"
            + " knows only these 5 classes and Dubai-like imagery.";

    private DemoModelFactory() {}

    /**
     * What a package holds.
     *
     * @param parameters parameters per part (vision tower, projector, phi, lora, swin, pixel decoder, ...)
     * @param vocabulary tokens of the tokenizer (= embedding rows = lm_head rows)
     * @param segTokenId the id of {@code [SEG]}
     * @param eosTokenId the id of {@code <|endoftext|>}
     */
    public record Summary(Map<String, Long> parameters, int vocabulary, int segTokenId, int eosTokenId) {
        public Summary {
            parameters = Map.copyOf(parameters);
        }

        /** Every parameter of the package. */
        public long total() {
            return parameters.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The demo tokenizer's size and special ids. */
    public record Vocabulary(String json, int size, int segTokenId, int eosTokenId) {

        /** Reads the word-level tokenizer shipped in this module (the embedded model's). */
        public static Vocabulary demo() {
            return resource(TOKENIZER_RESOURCE);
        }

        /** Reads the byte-level BPE tokenizer shipped in this module. */
        public static Vocabulary bpe() {
            return resource(BPE_TOKENIZER_RESOURCE);
        }

        /** {@code word} or {@code bpe}: the tokenizer of that name. */
        public static Vocabulary named(String name) {
            return switch (name) {
                case "word" -> demo();
                case "bpe" -> bpe();
                default -> throw new SegEarthException("unknown demo tokenizer '" + name + "'; expected word or bpe");
            };
        }

        /** The tokenizer chosen by the system property {@value DemoModelFactory#TOKENIZER_PROPERTY} (default {@code word}). */
        public static Vocabulary selected() {
            return named(System.getProperty(TOKENIZER_PROPERTY, "word"));
        }

        private static Vocabulary resource(String name) {
            try (InputStream in = DemoModelFactory.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new SegEarthException(name + " is missing from the class path; rebuild segearth-demo-model");
                }
                return of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new SegEarthException("cannot read " + name + ": " + e.getMessage(), e);
            }
        }

        /** Whether it is a byte-level BPE tokenizer (its model is {@code BPE}; the word-level one's is {@code WordLevel}). */
        public boolean byteLevel() {
            JsonElement type = JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("model").get("type");
            return type != null && "BPE".equals(type.getAsString());
        }

        /** Reads a {@code tokenizer.json}: size = highest id + 1 over the vocabulary and the added tokens. */
        public static Vocabulary of(String json) {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            Map<String, Integer> ids = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.getAsJsonObject("model").getAsJsonObject("vocab").entrySet()) {
                ids.put(e.getKey(), e.getValue().getAsInt());
            }
            for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                ids.put(t.getAsJsonObject().get("content").getAsString(), t.getAsJsonObject().get("id").getAsInt());
            }
            int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
            return new Vocabulary(json, size, require(ids, "[SEG]"), require(ids, "<|endoftext|>"));
        }

        private static int require(Map<String, Integer> ids, String token) {
            Integer id = ids.get(token);
            if (id == null) {
                throw new SegEarthException("the demo tokenizer has no " + token + " token; regenerate it with"
                        + " TokenizerBuilder");
            }
            return id;
        }
    }

    /**
     * Writes the initial package for {@code config} into {@code out} (created; existing files are
     * replaced), with the tokenizer chosen by {@value #TOKENIZER_PROPERTY} (the word-level one by default).
     */
    public static Summary create(Path out, DemoConfig config, long seed, boolean withAdapter) {
        return create(out, config, seed, withAdapter, Vocabulary.selected());
    }

    /** Writes the initial package for {@code config} and the tokenizer {@code vocab} into {@code out}. */
    public static Summary create(Path out, DemoConfig config, long seed, boolean withAdapter, Vocabulary vocab) {
        Initializer init = new Initializer(seed);
        JsonConfig mipha = config.mipha(vocab.size(), vocab.eosTokenId());
        JsonConfig head = config.maskHead();
        List<ParamSpec> mllm = MiphaLayout.specs(mipha);
        List<ParamSpec> mask = Mask2FormerLayout.specs(head);
        List<ParamSpec> seg = segProjector(config);
        List<ParamSpec> lora = withAdapter ? adapter(config) : List.of();
        Map<String, String> meta = Map.of("format", "pt");
        writeText(out.resolve("mllm/config.json"), config.miphaConfigJson(vocab.size(), vocab.eosTokenId()));
        writeText(out.resolve("mllm/tokenizer.json"), vocab.json());
        write(out.resolve("mllm/model.safetensors"), mllm, init, meta);
        writeText(out.resolve("mask_head/config.json"), config.maskHeadConfigJson());
        write(out.resolve("mask_head/model.safetensors"), mask, init, meta);
        write(out.resolve("seg_projector.safetensors"), seg, init, meta);
        if (withAdapter) {
            writeText(out.resolve("adapter/adapter_config.json"), config.adapterConfigJson());
            write(out.resolve("adapter/adapter_model.safetensors"), lora, init, meta);
        }
        writeText(out.resolve(Manifest.FILE), manifest(config, seed, vocab).toJson() + "\n");
        Summary summary = new Summary(count(mllm, mask, seg, lora), vocab.size(), vocab.segTokenId(),
                vocab.eosTokenId());
        LOG.info("demo model package written to {}: {} parameters {}", out, summary.total(), summary.parameters());
        return summary;
    }

    /** The manifest of the demo package with the tokenizer {@code vocab} (its description says what it reads). */
    static Manifest manifest(DemoConfig config, long seed, Vocabulary vocab) {
        String description = vocab.byteLevel() ? BPE_DESCRIPTION : DESCRIPTION;
        Map<String, String> provenance = new LinkedHashMap<>();
        provenance.put("architecture", "SegEarth-R2 (SigLIP + mlp2x_gelu + Phi + LoRA + Swin + Mask2Former), demo sizes");
        provenance.put("weights", "seeded random initialisation by org.segearth.demo.DemoModelFactory");
        provenance.put("seed", Long.toString(seed));
        provenance.put("data", "Dubai aerial tiles: 'Semantic segmentation of aerial imagery', Humans in the Loop /"
                + " MBRSC, CC0 1.0 (54 tiles)");
        provenance.put("sdk_version", SdkInfo.version());
        return new Manifest(Manifest.FORMAT, NAME, description, "siglip", "phi", "swin", "mask2former", "[SEG]",
                "<|endoftext|>", "conv_phi_v0", config.maskImageSize(), Manifest.PhrasePosition.AFTER, provenance);
    }

    /** SegEarth-R2's {@code SEG_token_projector}: Linear(Phi width -> head width), {@code nn.Linear}'s default start. */
    static List<ParamSpec> segProjector(DemoConfig c) {
        return List.of(ParamSpec.of("weight", new Init.KaimingUniform(), c.headHidden(), c.llmHidden()),
                ParamSpec.of("bias", new Init.KaimingUniform(c.llmHidden()), c.headHidden()));
    }

    /** PEFT's LoRA tensors on every layer's {@code q_proj} and {@code v_proj}: A kaiming-uniform, B zero. */
    static List<ParamSpec> adapter(DemoConfig c) {
        List<ParamSpec> out = new ArrayList<>();
        for (int i = 0; i < c.llmLayers(); i++) {
            for (String proj : List.of("q_proj", "v_proj")) {
                String p = "base_model.model.model.layers." + i + ".self_attn." + proj;
                out.add(ParamSpec.of(p + ".lora_A.weight", new Init.KaimingUniform(), c.loraR(), c.llmHidden()));
                out.add(ParamSpec.of(p + ".lora_B.weight", Init.zeros(), c.llmHidden(), c.loraR()));
            }
        }
        return out;
    }

    /** Parameters per part of the package. */
    static Map<String, Long> count(List<ParamSpec> mllm, List<ParamSpec> mask, List<ParamSpec> seg,
            List<ParamSpec> lora) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (ParamSpec s : mllm) {
            out.merge(part(s.key()), s.numel(), Long::sum);
        }
        for (ParamSpec s : mask) {
            out.merge(part(s.key()), s.numel(), Long::sum);
        }
        seg.forEach(s -> out.merge("seg_projector", s.numel(), Long::sum));
        lora.forEach(s -> out.merge("lora", s.numel(), Long::sum));
        return out;
    }

    private static String part(String key) {
        if (key.startsWith("model.vision_tower.vision_model.head.")) {
            return "vision_pooling_head (unused)";
        }
        if (key.startsWith("model.vision_tower.")) {
            return "vision_tower";
        }
        if (key.startsWith("model.mm_projector.")) {
            return "mm_projector";
        }
        if (key.startsWith("model.pixel_level_module.encoder.swin.") || key.startsWith("class_predictor.")
                || key.startsWith("criterion.") || key.contains("queries_")) {
            return "mask_head (unused by the SegEarth head)";
        }
        if (key.startsWith("model.pixel_level_module.encoder.")) {
            return "swin";
        }
        if (key.startsWith("model.pixel_level_module.decoder.")) {
            return "pixel_decoder";
        }
        if (key.startsWith("model.transformer_module.")) {
            return "transformer_decoder";
        }
        if (key.startsWith("lm_head.")) {
            return "lm_head";
        }
        return "phi";
    }

    /** Writes {@code specs}, filled by {@code init}, as one F32 safetensors file. */
    static void write(Path file, List<ParamSpec> specs, Initializer init, Map<String, String> metadata) {
        Engines.init();
        try (NDManager manager = Engines.newManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (ParamSpec s : specs) {
                if (tensors.put(s.key(), manager.create(init.values(s), new Shape(s.shape()))) != null) {
                    throw new SegEarthException(file + ": key " + s.key() + " is made twice");
                }
            }
            SafetensorsWriter.write(file, tensors, metadata);
        }
    }

    private static void writeText(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code DemoModelFactory OUT [SEED [--no-adapter]]}: writes the initial package. */
    public static void main(String[] args) {
        if (args.length < 1) {
            System.err.println("usage: DemoModelFactory OUT [SEED] [--no-adapter]");
            System.exit(2);
        }
        long seed = args.length > 1 ? Long.parseLong(args[1]) : 42;
        boolean adapter = !(args.length > 2 && args[2].equals("--no-adapter"));
        Summary s = create(Path.of(args[0]), DemoConfig.proposed(), seed, adapter);
        System.out.println("parameters: " + s.total() + " " + s.parameters());
    }
}
