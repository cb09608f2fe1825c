package org.segearth.runtime.pipeline;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.Messages;
import org.segearth.spi.config.JsonConfig;

/**
 * {@code segearth.json}: what a model package holds and how to run it. Every field has
 * SegEarth-R2's default, so a package without a manifest runs as SegEarth-R2.
 *
 * @param format the manifest format, {@value #FORMAT}
 * @param name a human-readable name
 * @param description what the model is (shown by the CLI)
 * @param visionEncoder provider name of the global image encoder
 * @param languageModel provider name of the language model
 * @param maskEncoder provider name of the mask branch's encoder
 * @param head provider name of the segmentation head
 * @param segToken the token that marks a target
 * @param eosToken the token that ends the answer
 * @param promptTemplate the conversation template ({@code conv_phi_v0} or {@code llava_phi})
 * @param maskImageSize the mask branch's letterbox size, {@value #MIN_MASK_IMAGE_SIZE} to
 *     {@value #MAX_MASK_IMAGE_SIZE} (the mask branch's memory grows with its square)
 * @param phrases where the answer names each target: before its {@code [SEG]} ("the ships [SEG]",
 *     SegEarth-R2's) or after it ("[SEG] water"); the targets' phrases are read from there
 * @param provenance free-form facts about how the package was made (base checkpoints, data, seed)
 */
public record Manifest(String format, String name, String description, String visionEncoder, String languageModel,
        String maskEncoder, String head, String segToken, String eosToken, String promptTemplate, int maskImageSize,
        PhrasePosition phrases, Map<String, String> provenance) {

    /** Where an answer names a target relative to its {@code [SEG]}. */
    public enum PhrasePosition {
        /** "the ships [SEG]": the text since the previous [SEG] (SegEarth-R2, LISA). */
        BEFORE,
        /** "[SEG] water": the text up to the next [SEG], without a trailing "and" or punctuation. */
        AFTER
    }

    /** The current manifest format. */
    public static final String FORMAT = "segearth-model/1";

    /** The manifest's file name. */
    public static final String FILE = "segearth.json";

    /** The smallest mask-branch letterbox accepted: the coarsest feature map's stride. */
    public static final int MIN_MASK_IMAGE_SIZE = 32;
    /** The largest mask-branch letterbox accepted: twice SegEarth-R2's 1024. */
    public static final int MAX_MASK_IMAGE_SIZE = 2048;

    public Manifest {
        if (maskImageSize < MIN_MASK_IMAGE_SIZE || maskImageSize > MAX_MASK_IMAGE_SIZE) {
            throw new ModelPackageException("manifest: mask_image_size is " + maskImageSize + "; expected "
                    + MIN_MASK_IMAGE_SIZE + " to " + MAX_MASK_IMAGE_SIZE + " (SegEarth-R2 uses 1024)");
        }
        if (segToken == null || segToken.isEmpty() || eosToken == null || eosToken.isEmpty()) {
            throw new ModelPackageException("manifest: tokens.seg and tokens.eos must not be empty");
        }
        if (phrases == null) {
            phrases = PhrasePosition.BEFORE;
        }
        provenance = Map.copyOf(provenance);
    }

    /** A manifest whose answers name each target before its {@code [SEG]} (SegEarth-R2's). */
    public Manifest(String format, String name, String description, String visionEncoder, String languageModel,
            String maskEncoder, String head, String segToken, String eosToken, String promptTemplate, int maskImageSize,
            Map<String, String> provenance) {
        this(format, name, description, visionEncoder, languageModel, maskEncoder, head, segToken, eosToken,
                promptTemplate, maskImageSize, PhrasePosition.BEFORE, provenance);
    }

    /** SegEarth-R2's defaults. */
    public static Manifest defaults() {
        return new Manifest(FORMAT, "SegEarth-R2", "SegEarth-R2 (Mipha-3B + Mask2Former Swin-B)", "siglip", "phi",
                "swin", "mask2former", "[SEG]", "<|endoftext|>", "conv_phi_v0", 1024, Map.of());
    }

    /** This manifest with another mask-branch letterbox size (e.g. a tiny test model's). */
    public Manifest withMaskImageSize(int size) {
        return new Manifest(format, name, description, visionEncoder, languageModel, maskEncoder, head, segToken,
                eosToken, promptTemplate, size, phrases, provenance);
    }

    /** This manifest with other provenance facts. */
    public Manifest withProvenance(Map<String, String> facts) {
        return new Manifest(format, name, description, visionEncoder, languageModel, maskEncoder, head, segToken,
                eosToken, promptTemplate, maskImageSize, phrases, facts);
    }

    /** Reads {@code file}; absent fields take the defaults. */
    public static Manifest read(Path file) {
        return from(JsonConfig.read(file));
    }

    static Manifest from(JsonConfig c) {
        try {
            return fromChecked(c);
        } catch (ModelPackageException e) {
            if (e.getMessage().startsWith(c.source())) {
                throw e;
            }
            throw new ModelPackageException(c.source() + ": " + e.getMessage(), e);
        }
    }

    private static Manifest fromChecked(JsonConfig c) {
        Manifest d = defaults();
        String format = c.getString("format", FORMAT);
        if (!format.equals(FORMAT)) {
            throw new ModelPackageException(c.source() + ": format '" + Messages.abbreviate(format, 60)
                    + "' is not supported; expected '" + FORMAT + "' (a newer SDK may read it)");
        }
        JsonConfig components = c.optObject("components").orElse(JsonConfig.parse("{}", c.source()));
        JsonConfig tokens = c.optObject("tokens").orElse(JsonConfig.parse("{}", c.source()));
        Map<String, String> provenance = new LinkedHashMap<>();
        c.optObject("provenance").ifPresent(p -> p.json().entrySet().forEach(e -> provenance.put(e.getKey(),
                e.getValue().isJsonPrimitive() ? e.getValue().getAsString() : e.getValue().toString())));
        return new Manifest(format,
                c.getString("name", d.name()),
                c.getString("description", d.description()),
                components.getString("vision_encoder", d.visionEncoder()),
                components.getString("language_model", d.languageModel()),
                components.getString("mask_encoder", d.maskEncoder()),
                components.getString("head", d.head()),
                tokens.getString("seg", d.segToken()),
                tokens.getString("eos", d.eosToken()),
                c.getString("prompt_template", d.promptTemplate()),
                maskImageSize(c, d.maskImageSize()),
                phrasePosition(tokens.getString("phrase", "before"), c.source()),
                provenance);
    }

    private static int maskImageSize(JsonConfig c, int fallback) {
        int size = c.getInt("mask_image_size", fallback);
        if (size < MIN_MASK_IMAGE_SIZE || size > MAX_MASK_IMAGE_SIZE) {
            throw c.invalid("mask_image_size", "is " + size + "; expected " + MIN_MASK_IMAGE_SIZE + " to "
                    + MAX_MASK_IMAGE_SIZE + " (SegEarth-R2 uses 1024; the mask branch's memory grows with its square)");
        }
        return size;
    }

    private static PhrasePosition phrasePosition(String value, String source) {
        return switch (value) {
            case "before" -> PhrasePosition.BEFORE;
            case "after" -> PhrasePosition.AFTER;
            default -> throw new ModelPackageException(source + ": tokens.phrase is '" + Messages.abbreviate(value, 60)
                    + "'; expected 'before' or 'after'");
        };
    }

    /** The manifest as JSON, as {@link #read} reads it. */
    public String toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("format", format);
        o.addProperty("name", name);
        o.addProperty("description", description);
        JsonObject components = new JsonObject();
        components.addProperty("vision_encoder", visionEncoder);
        components.addProperty("language_model", languageModel);
        components.addProperty("mask_encoder", maskEncoder);
        components.addProperty("head", head);
        o.add("components", components);
        JsonObject tokens = new JsonObject();
        tokens.addProperty("seg", segToken);
        tokens.addProperty("eos", eosToken);
        tokens.addProperty("phrase", phrases.name().toLowerCase(java.util.Locale.ROOT));
        o.add("tokens", tokens);
        o.addProperty("prompt_template", promptTemplate);
        o.addProperty("mask_image_size", maskImageSize);
        JsonObject p = new JsonObject();
        new java.util.TreeMap<>(provenance).forEach(p::addProperty);
        o.add("provenance", p);
        return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o);
    }
}
