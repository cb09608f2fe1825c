package org.segearth.runtime.text;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.segearth.api.SegEarthException;

/**
 * What a Hugging Face tokenizer folder's {@code tokenizer_config.json} and
 * {@code special_tokens_map.json} declare, merged as transformers' (4.38)
 * {@code PreTrainedTokenizerBase._from_pretrained} merges them: when the config has
 * {@code added_tokens_decoder}, it alone gives the added and special tokens (the map file and
 * {@code added_tokens.json} are ignored); otherwise (the legacy layout) the map file's special
 * tokens replace the config's and {@code added_tokens.json} lists the added tokens.
 *
 * @param present whether either file exists
 * @param specialTokens attribute ({@code bos_token}, ..., {@code pad_token}) to content (null
 *     when declared null), in transformers' {@code SPECIAL_TOKENS_ATTRIBUTES} order; undeclared
 *     ones left out
 * @param additionalSpecialTokens {@code additional_special_tokens}
 * @param addedTokensDecoder {@code added_tokens_decoder}: id to its entry (content, lstrip, ...),
 *     or null in the legacy layout
 * @param addPrefixSpace {@code add_prefix_space}
 * @param tokenizerClass {@code tokenizer_class}, or null
 */
record TokenizerConfig(boolean present, Map<String, String> specialTokens, List<String> additionalSpecialTokens,
        Map<Long, JsonObject> addedTokensDecoder, boolean addPrefixSpace, String tokenizerClass) {

    /** transformers' {@code SpecialTokensMixin.SPECIAL_TOKENS_ATTRIBUTES}, less the additional ones. */
    static final List<String> SPECIAL_ATTRIBUTES =
            List.of("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token");

    /** Largest tokenizer file read (GPT-2's vocab.json is 1 MB, Llama 3's tokenizer.json 9 MB). */
    static final long MAX_FILE_BYTES = 64L << 20;

    TokenizerConfig {
        specialTokens = Collections.unmodifiableMap(new LinkedHashMap<>(specialTokens));
        additionalSpecialTokens = List.copyOf(additionalSpecialTokens);
        addedTokensDecoder = addedTokensDecoder == null ? null
                : Collections.unmodifiableMap(new TreeMap<>(addedTokensDecoder));
    }

    /** Reads the two files of {@code dir} (either or both may be missing). */
    static TokenizerConfig read(Path dir) {
        Path configFile = dir.resolve("tokenizer_config.json");
        Path mapFile = dir.resolve("special_tokens_map.json");
        JsonObject config = Files.isRegularFile(configFile) ? readObject(configFile) : new JsonObject();
        JsonObject map = Files.isRegularFile(mapFile) ? readObject(mapFile) : new JsonObject();
        boolean legacy = !config.has("added_tokens_decoder");
        Map<String, String> specials = new LinkedHashMap<>();
        for (String attr : SPECIAL_ATTRIBUTES) {
            boolean fromMap = legacy && map.has(attr);
            if (fromMap || config.has(attr)) { // an explicit null is kept: it turns the class default off
                specials.put(attr, fromMap ? content(map.get(attr), mapFile, attr)
                        : content(config.get(attr), configFile, attr));
            }
        }
        String extraKey = "additional_special_tokens";
        boolean extraFromMap = legacy && map.has(extraKey);
        JsonElement extra = extraFromMap ? map.get(extraKey) : config.get(extraKey);
        List<String> additional = new ArrayList<>();
        if (extra != null && extra.isJsonArray()) {
            for (JsonElement e : extra.getAsJsonArray()) {
                String c = content(e, extraFromMap ? mapFile : configFile, extraKey);
                if (c != null) {
                    additional.add(c);
                }
            }
        }
        Map<Long, JsonObject> decoder = null;
        if (!legacy) {
            JsonElement added = config.get("added_tokens_decoder");
            if (!added.isJsonObject()) {
                throw new SegEarthException(configFile + ": added_tokens_decoder is " + added
                        + "; expected an object of id -> token entry");
            }
            decoder = new TreeMap<>();
            for (Map.Entry<String, JsonElement> e : added.getAsJsonObject().entrySet()) {
                long id = parseId(e.getKey(), configFile);
                if (!e.getValue().isJsonObject() || content(e.getValue(), configFile, "added_tokens_decoder") == null) {
                    throw new SegEarthException(configFile + ": added_tokens_decoder entry " + e.getKey()
                            + " is " + e.getValue() + "; expected an object with a string 'content'");
                }
                decoder.put(id, e.getValue().getAsJsonObject());
            }
        }
        boolean prefixSpace = bool(config.get("add_prefix_space"), configFile, "add_prefix_space");
        JsonElement cls = config.get("tokenizer_class");
        String tokenizerClass = cls != null && cls.isJsonPrimitive() ? cls.getAsString() : null;
        return new TokenizerConfig(Files.isRegularFile(configFile) || Files.isRegularFile(mapFile), specials,
                additional, decoder, prefixSpace, tokenizerClass);
    }

    /** The declared content of {@code attr} (e.g. {@code pad_token}), or null. */
    String special(String attr) {
        return specialTokens.get(attr);
    }

    /** Whether either file declares {@code attr}, possibly as null. */
    boolean declares(String attr) {
        return specialTokens.containsKey(attr);
    }

    /** Reads a JSON object file of at most {@link #MAX_FILE_BYTES}. */
    static JsonObject readObject(Path file) {
        String text = readText(file);
        try {
            JsonElement e = JsonParser.parseString(text);
            if (!e.isJsonObject()) {
                throw new SegEarthException(file + " is not a JSON object; expected the Hugging Face tokenizer file");
            }
            return e.getAsJsonObject();
        } catch (RuntimeException e) {
            if (e instanceof SegEarthException s) {
                throw s;
            }
            throw new SegEarthException(file + " is not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    /** The first line of {@code message} (Gson appends a "See ...Troubleshooting" line to its parse errors). */
    static String firstLine(String message) {
        String line = message == null ? "" : message.lines().findFirst().orElse("").strip();
        return line.isEmpty() ? "no detail" : line;
    }

    /** Reads a UTF-8 text file of at most {@link #MAX_FILE_BYTES}. */
    static String readText(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new SegEarthException(file + " has " + size + " bytes; a tokenizer file is expected to have at"
                        + " most " + MAX_FILE_BYTES + " bytes");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + file + ": " + e, e);
        }
    }

    /** A token id written as a JSON key or value: a non-negative integer below 2^31. */
    static long parseId(String text, Path file) {
        try {
            long id = Long.parseLong(text.trim());
            if (id >= 0 && id <= Integer.MAX_VALUE) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SegEarthException(file + ": token id '" + text + "' is not an integer in [0, " + Integer.MAX_VALUE + "]");
    }

    /** A special token as transformers writes it: a string, an AddedToken object with 'content', or null. */
    private static String content(JsonElement e, Path file, String what) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return e.getAsString();
        }
        if (e.isJsonObject() && e.getAsJsonObject().has("content")
                && e.getAsJsonObject().get("content").isJsonPrimitive()) {
            return e.getAsJsonObject().get("content").getAsString();
        }
        throw new SegEarthException(file + ": " + what + " is " + e + "; expected a string or an object with 'content'");
    }

    private static boolean bool(JsonElement e, Path file, String what) {
        if (e == null || e.isJsonNull()) {
            return false;
        }
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
            return e.getAsBoolean();
        }
        throw new SegEarthException(file + ": " + what + " is " + e + "; expected true or false");
    }
}
