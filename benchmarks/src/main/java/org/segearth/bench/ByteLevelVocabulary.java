package org.segearth.bench;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small byte-level BPE (the GPT-2 / Phi-2 scheme: 256 byte symbols, merges by rank) written in
 * the files Mipha-3B ships: {@code vocab.json}, {@code merges.txt}, {@code added_tokens.json} (runs
 * of spaces, as Phi-2 adds them), {@code tokenizer_config.json} and {@code special_tokens_map.json}.
 * Its merges spell a few words of remote-sensing instructions letter by letter, enough for prompts
 * to tokenize into realistic lengths.
 */
final class ByteLevelVocabulary {

    private static final String EOS = "<|endoftext|>";
    private static final List<String> WORDS = List.of("the", "segment", "water", "roads", "buildings", "is",
            "it", "and", "of", "a", "image", "please", "instruction", "according", "to", "following", "user",
            "assistant", "chat", "between", "curious", "artificial", "intelligence", "answers", "questions");

    private final Map<String, Integer> vocab;
    private final List<String> merges;
    private final Map<String, Integer> added;

    private ByteLevelVocabulary(Map<String, Integer> vocab, List<String> merges, Map<String, Integer> added) {
        this.vocab = vocab;
        this.merges = merges;
        this.added = added;
    }

    static ByteLevelVocabulary build() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        String[] bytes = bytesToUnicode();
        for (String b : bytes) {
            vocab.put(b, vocab.size());
        }
        List<String> merges = new ArrayList<>();
        for (String word : WORDS) {
            for (String form : List.of(word, bytes[' '] + word)) {
                String left = form.substring(0, 1);
                for (int i = 1; i < form.length(); i++) {
                    String right = form.substring(i, i + 1);
                    String merged = left + right;
                    if (!vocab.containsKey(merged)) {
                        merges.add(left + " " + right);
                        vocab.put(merged, vocab.size());
                    }
                    left = merged;
                }
            }
        }
        vocab.put(EOS, vocab.size());
        Map<String, Integer> added = new LinkedHashMap<>();
        for (int spaces = 8; spaces >= 2; spaces--) {
            added.put(" ".repeat(spaces), vocab.size() + added.size());
        }
        return new ByteLevelVocabulary(vocab, merges, added);
    }

    int eosId() {
        return vocab.get(EOS);
    }

    void writeMiphaFiles(Path dir) {
        JsonObject v = new JsonObject();
        vocab.forEach(v::addProperty);
        RealScaleModels.writeText(dir.resolve("vocab.json"), RealScaleModels.pretty(v));
        RealScaleModels.writeText(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n");
        JsonObject a = new JsonObject();
        added.forEach(a::addProperty);
        RealScaleModels.writeText(dir.resolve("added_tokens.json"), RealScaleModels.pretty(a));
        JsonObject special = new JsonObject();
        for (String k : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            special.addProperty(k, EOS);
        }
        RealScaleModels.writeText(dir.resolve("special_tokens_map.json"), RealScaleModels.pretty(special));
        JsonObject config = special.deepCopy();
        config.addProperty("add_prefix_space", false);
        config.addProperty("model_max_length", 2048);
        config.addProperty("tokenizer_class", "CodeGenTokenizer");
        config.addProperty("clean_up_tokenization_spaces", true);
        RealScaleModels.writeText(dir.resolve("tokenizer_config.json"), RealScaleModels.pretty(config));
    }

    /** GPT-2's printable stand-ins for the 256 byte values. */
    private static String[] bytesToUnicode() {
        String[] out = new String[256];
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = new String(Character.toChars(printable ? b : 256 + extra++));
        }
        return out;
    }
}
