package org.segearth.runtime.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.segearth.api.SegEarthException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files of a Hugging Face "slow" byte-level BPE tokenizer ({@code GPT2Tokenizer},
 * {@code CodeGenTokenizer}: Phi-2 and Mipha-3B ship {@code vocab.json}, {@code merges.txt},
 * {@code added_tokens.json}, {@code tokenizer_config.json} and {@code special_tokens_map.json}, no
 * {@code tokenizer.json}) turned into the equivalent {@code tokenizer.json}, the one
 * transformers' {@code GPT2Converter} writes: a BPE model with the vocabulary and the merges by
 * rank, the ByteLevel pre-tokenizer without prefix space (GPT-2's regex
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} and byte-to-unicode
 * map) and decoder, and the added tokens.
 *
 * <p>Why a synthesized {@code tokenizer.json} rather than a BPE written here: the Hugging Face
 * tokenizers library (already on the class path through DJL) then does the pre-tokenization,
 * merging and added-token matching, and it gives the same ids as the slow Python tokenizer that
 * the official training uses ({@code use_fast=False}): checked on a 65-line corpus against an
 * independent encoder ({@code tools/reference/make_bpe_ids.js}, {@code BpeReferenceIdsTest}).
 *
 * <p>What is read as the slow tokenizer reads it (transformers 4.38): {@code merges.txt} drops
 * its first line (the {@code #version} header) and everything after the last newline; the added
 * tokens are {@code added_tokens_decoder} of {@code tokenizer_config.json}, or in the legacy
 * layout {@code added_tokens.json}; declared special tokens (bos, eos and unk default to
 * {@code <|endoftext|>}) become added tokens, with the next free id when the vocabulary lacks
 * them. Added tokens are matched first, leftmost-longest, and never split; they are written
 * with {@code normalized: false} so that one pass finds them all, as the slow tokenizer's single
 * trie does (there is no normalizer, so nothing else changes).
 */
final class ByteLevelBpeFiles {

    private static final Logger LOG = LoggerFactory.getLogger(ByteLevelBpeFiles.class);
    private static final String DEFAULT_SPECIAL = "<|endoftext|>";
    private static final Set<String> CLASSES =
            Set.of("CodeGenTokenizer", "CodeGenTokenizerFast", "GPT2Tokenizer", "GPT2TokenizerFast");

    private ByteLevelBpeFiles() {
    }

    /** Whether {@code dir} holds the two files this class needs. */
    static boolean present(Path dir) {
        return Files.isRegularFile(dir.resolve("vocab.json")) && Files.isRegularFile(dir.resolve("merges.txt"));
    }

    /** The {@code tokenizer.json} equivalent to the slow tokenizer files of {@code dir}. */
    static JsonObject toTokenizerJson(Path dir, TokenizerConfig config) {
        Path configFile = dir.resolve("tokenizer_config.json");
        if (config.tokenizerClass() != null && !CLASSES.contains(config.tokenizerClass())) {
            throw new SegEarthException(configFile + ": tokenizer_class is '" + config.tokenizerClass()
                    + "'; vocab.json + merges.txt are read as a byte-level BPE tokenizer, expected one of "
                    + new TreeSet<>(CLASSES) + " (or a tokenizer.json)");
        }
        if (config.addPrefixSpace()) {
            throw new SegEarthException(configFile + ": add_prefix_space is true; only false (as Phi-2 and Mipha-3B"
                    + " have it) is supported for vocab.json + merges.txt; provide a tokenizer.json instead");
        }
        Path vocabFile = dir.resolve("vocab.json");
        JsonObject vocab = TokenizerConfig.readObject(vocabFile);
        Map<String, Long> ids = new HashMap<>();
        for (Map.Entry<String, JsonElement> e : vocab.entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new SegEarthException(vocabFile + ": token '" + e.getKey() + "' has id " + v
                        + "; expected an integer");
            }
            ids.put(e.getKey(), TokenizerConfig.parseId(v.getAsString(), vocabFile));
        }
        JsonArray merges = merges(dir.resolve("merges.txt"), ids.keySet());
        JsonArray added = addedTokens(dir, config, ids);

        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", "");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", merges);

        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", added);
        root.add("normalizer", JsonNull.INSTANCE);
        root.add("pre_tokenizer", byteLevel(false));
        JsonObject post = byteLevel(false);
        post.addProperty("trim_offsets", false);
        root.add("post_processor", post);
        root.add("decoder", byteLevel(true));
        root.add("model", model);
        LOG.debug("{}: byte-level BPE with {} tokens, {} merges, {} added tokens", dir, ids.size(), merges.size(),
                added.size());
        return root;
    }

    /**
     * The merges in rank order, as {@code GPT2Tokenizer} reads them: {@code split("\n")[1:-1]};
     * both tokens and their concatenation must be in the vocabulary (the tokenizers library
     * requires it).
     */
    private static JsonArray merges(Path file, Set<String> vocab) {
        String[] lines = TokenizerConfig.readText(file).split("\n", -1);
        if (!lines[0].startsWith("#version")) {
            LOG.warn("{}: first line '{}' is not a #version header; it is skipped, as transformers skips it", file,
                    abbreviate(lines[0]));
        }
        if (!lines[lines.length - 1].isEmpty()) {
            LOG.warn("{}: no newline after the last merge '{}'; it is ignored, as transformers ignores it", file,
                    abbreviate(lines[lines.length - 1]));
        }
        JsonArray merges = new JsonArray();
        for (int i = 1; i < lines.length - 1; i++) {
            String[] parts = lines[i].strip().split("\\s+");
            if (parts.length == 1 && parts[0].isEmpty()) {
                continue; // a blank line: transformers keeps an empty tuple that never matches
            }
            if (parts.length != 2) {
                throw new SegEarthException(file + " line " + (i + 1) + " is '" + abbreviate(lines[i])
                        + "'; expected two tokens separated by a space");
            }
            for (String token : List.of(parts[0], parts[1], parts[0] + parts[1])) {
                if (!vocab.contains(token)) {
                    throw new SegEarthException(file + " line " + (i + 1) + " merges '" + abbreviate(lines[i].strip())
                            + "' but vocab.json has no token '" + abbreviate(token) + "'; the two files do not belong"
                            + " together");
                }
            }
            merges.add(parts[0] + " " + parts[1]);
        }
        return merges;
    }

    /**
     * The slow tokenizer's {@code added_tokens_decoder} after {@code __init__}: the file's added
     * tokens, then every declared special token it lacks (at its vocabulary id, or the next free
     * one, as {@code _add_tokens(..., special_tokens=True)} does).
     */
    private static JsonArray addedTokens(Path dir, TokenizerConfig config, Map<String, Long> vocab) {
        TreeMap<Long, JsonObject> byId = new TreeMap<>();
        if (config.addedTokensDecoder() != null) {
            config.addedTokensDecoder().forEach((id, entry) -> byId.put(id, token(id, entry)));
        } else if (Files.isRegularFile(dir.resolve("added_tokens.json"))) {
            Path file = dir.resolve("added_tokens.json");
            List<String> declared = new ArrayList<>(config.specialTokens().values());
            declared.addAll(config.additionalSpecialTokens());
            for (Map.Entry<String, JsonElement> e : TokenizerConfig.readObject(file).entrySet()) {
                JsonElement v = e.getValue();
                if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                    throw new SegEarthException(file + ": token '" + e.getKey() + "' has id " + v + "; expected an integer");
                }
                long id = TokenizerConfig.parseId(v.getAsString(), file);
                JsonObject entry = new JsonObject();
                entry.addProperty("content", e.getKey());
                entry.addProperty("special", declared.contains(e.getKey()));
                byId.put(id, token(id, entry));
            }
        }
        Map<String, Long> current = new HashMap<>(vocab); // get_vocab(): vocab.json, then the added tokens
        Map<String, Long> addedIds = new HashMap<>();
        byId.forEach((id, t) -> {
            current.put(t.get("content").getAsString(), id);
            addedIds.put(t.get("content").getAsString(), id);
        });
        long next = current.size();
        for (String special : specialTokens(config)) {
            if (special.isEmpty() || addedIds.containsKey(special)) {
                continue;
            }
            Long id = current.get(special);
            if (id == null) {
                id = next++;
                current.put(special, id);
                LOG.info("{}: special token '{}' is not in the vocabulary; added with id {}", dir, special, id);
            }
            JsonObject entry = new JsonObject();
            entry.addProperty("content", special);
            entry.addProperty("special", true);
            byId.put(id, token(id, entry));
            addedIds.put(special, id);
        }
        JsonArray out = new JsonArray();
        byId.values().forEach(out::add);
        return out;
    }

    /** bos, eos, unk, ..., mask, then the additional ones; bos/eos/unk default to {@code <|endoftext|>}. */
    private static List<String> specialTokens(TokenizerConfig config) {
        List<String> out = new ArrayList<>();
        for (String attr : TokenizerConfig.SPECIAL_ATTRIBUTES) {
            boolean defaulted = attr.equals("bos_token") || attr.equals("eos_token") || attr.equals("unk_token");
            String value = config.declares(attr) ? config.special(attr) : defaulted ? DEFAULT_SPECIAL : null;
            if (value != null && !out.contains(value)) {
                out.add(value);
            }
        }
        for (String s : config.additionalSpecialTokens()) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out;
    }

    /** One entry of tokenizer.json's {@code added_tokens}. */
    private static JsonObject token(long id, JsonObject entry) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", entry.get("content").getAsString());
        for (String flag : List.of("single_word", "lstrip", "rstrip")) {
            t.addProperty(flag, flag(entry, flag));
        }
        t.addProperty("normalized", false);
        t.addProperty("special", flag(entry, "special"));
        return t;
    }

    private static boolean flag(JsonObject entry, String name) {
        JsonElement v = entry.get(name);
        return v != null && v.isJsonPrimitive() && v.getAsJsonPrimitive().isBoolean() && v.getAsBoolean();
    }

    private static JsonObject byteLevel(boolean addPrefixSpace) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.add("add_prefix_space", new JsonPrimitive(addPrefixSpace));
        o.addProperty("trim_offsets", true);
        o.addProperty("use_regex", true);
        return o;
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "...";
    }
}
