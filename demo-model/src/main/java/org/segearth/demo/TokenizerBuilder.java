package org.segearth.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.segearth.api.SegEarthException;

/**
 * Builds the demo model's {@code tokenizer.json} (Hugging Face tokenizers format): a lowercase
 * normaliser, GPT-2's byte-level pre-tokenizer and decoder (as Phi-2 uses), and a word-level model
 * whose vocabulary is every pre-token of the demo instructions, answers and prompt templates (each
 * word both with and without its leading space). The
 * added tokens are {@code <|endoftext|>} (id 0, end of text and padding), {@code <unk>} (1) and
 * {@code [SEG]} (2, one token, matched before normalisation).
 *
 * <pre>{@code
 * TokenizerBuilder.write(TokenizerBuilder.build(TokenizerBuilder.corpus()), Path.of("tokenizer.json"));
 * }</pre>
 */
public final class TokenizerBuilder {

    /** The added tokens, in id order. */
    public static final List<String> ADDED = List.of(PromptTemplates.EOS, "<unk>", Instruction.SEG);

    private static final Pattern GPT2 = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");
    private static final char[] BYTE_CHARS = byteChars();
    private static final String SPACE = String.valueOf(BYTE_CHARS[' ']);

    private TokenizerBuilder() {
    }

    /** The byte-level BPE tokenizer's added tokens, in id order (no {@code <unk>}: every byte has a token). */
    public static final List<String> BPE_ADDED = List.of(PromptTemplates.EOS, Instruction.SEG);

    /**
     * GPT-2 merges kept by the BPE tokenizer: 256 byte tokens + 1,742 merges + 2 added tokens = 2,000
     * ids (embedding and {@code lm_head} rows: 2,000 x 256 x 2 = 1.02 M parameters, 2.0 MB in F16).
     */
    public static final int BPE_MERGES = 1742;

    /**
     * {@code TokenizerBuilder OUT_FILE}: writes the word-level demo tokenizer;
     * {@code TokenizerBuilder bpe VOCAB_BPE OUT_FILE [MERGES]}: writes the byte-level BPE tokenizer
     * from GPT-2's merges file ({@code vocab.bpe}), truncated to its first MERGES merges.
     */
    public static void main(String[] args) {
        if (args.length == 1) {
            write(build(corpus()), Path.of(args[0]));
        } else if ((args.length == 3 || args.length == 4) && args[0].equals("bpe")) {
            int n = args.length == 4 ? Integer.parseInt(args[3]) : BPE_MERGES;
            write(buildBpe(readMerges(Path.of(args[1]), n)), Path.of(args[2]));
        } else {
            System.err.println("usage: TokenizerBuilder OUT_FILE\n       TokenizerBuilder bpe VOCAB_BPE OUT_FILE [MERGES]");
            System.exit(2);
        }
    }

    /** The first {@code n} merges of a GPT-2 {@code vocab.bpe} ("#version" header, then "a b" per line). */
    public static List<String> readMerges(Path file, int n) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + file + ": " + e.getMessage(), e);
        }
        List<String> merges = new ArrayList<>();
        for (String line : lines) {
            if (line.startsWith("#version") || line.isBlank()) {
                continue;
            }
            if (merges.size() == n) {
                break;
            }
            merges.add(line.strip());
        }
        if (merges.size() < n) {
            throw new SegEarthException(file + " holds " + merges.size() + " merges; expected at least " + n);
        }
        return merges;
    }

    /**
     * A byte-level BPE tokenizer.json (GPT-2 / Phi-2 scheme) with the given merges in rank order:
     * ids 0 {@code <|endoftext|>} (special), 1 {@code [SEG]} (not special, so decoding keeps it;
     * matched before normalisation), then GPT-2's 256 byte tokens in byte order, then each merge's
     * result. Lowercase normaliser (the demo model is case-blind), byte-level pre-tokenizer and
     * decoder, no unknown token: any text encodes, and decodes back to its lowercase form.
     */
    public static JsonObject buildBpe(List<String> merges) {
        JsonObject vocab = new JsonObject();
        JsonArray added = new JsonArray();
        for (String a : BPE_ADDED) {
            added.add(addedToken(vocab.size(), a));
            vocab.addProperty(a, vocab.size());
        }
        for (char c : BYTE_CHARS) {
            vocab.addProperty(String.valueOf(c), vocab.size());
        }
        JsonArray mergeArray = new JsonArray();
        for (String m : merges) {
            String[] parts = m.split(" ");
            if (parts.length != 2 || !vocab.has(parts[0]) || !vocab.has(parts[1])) {
                throw new SegEarthException("merge '" + m + "' does not join two earlier tokens; expected GPT-2's"
                        + " vocab.bpe in rank order");
            }
            String joined = parts[0] + parts[1];
            if (!vocab.has(joined)) {
                vocab.addProperty(joined, vocab.size());
            }
            mergeArray.add(m);
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.addProperty("continuing_subword_prefix", "");
        model.addProperty("end_of_word_suffix", "");
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        model.add("vocab", vocab);
        model.add("merges", mergeArray);
        return root(added, model);
    }

    /** The demo corpus: every instruction and answer form in every prompt template. */
    public static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        for (String t : Instructions.allTexts()) {
            texts.addAll(PromptTemplates.pieces(t, t));
        }
        for (DubaiClass c : DubaiClass.values()) {
            texts.addAll(PromptTemplates.pieces(Instructions.TEMPLATES.get(0).replace("{t}", "the " + c.canonical()),
                    Instructions.singleAnswer(c)));
        }
        return texts;
    }

    /** The tokenizer.json of a vocabulary holding every pre-token of {@code texts}. */
    public static JsonObject build(Collection<String> texts) {
        TreeSet<String> words = new TreeSet<>();
        for (String t : texts) {
            words.addAll(preTokenize(t));
        }
        words.removeAll(ADDED);
        // every word also in its other form (sentence-initial or after a space): "water" and "Ġwater"
        for (String w : List.copyOf(words)) {
            String bare = w.startsWith(SPACE) ? w.substring(1) : w;
            if (!bare.isEmpty() && bare.chars().allMatch(Character::isLetter)) {
                words.add(bare);
                words.add(SPACE + bare);
            }
        }
        JsonObject vocab = new JsonObject();
        JsonArray added = new JsonArray();
        for (String a : ADDED) {
            added.add(addedToken(vocab.size(), a));
            vocab.addProperty(a, vocab.size());
        }
        for (String w : words) {
            vocab.addProperty(w, vocab.size());
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocab);
        model.addProperty("unk_token", "<unk>");
        return root(added, model);
    }

    private static JsonObject addedToken(int id, String content) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("content", content);
        o.addProperty("single_word", false);
        o.addProperty("lstrip", false);
        o.addProperty("rstrip", false);
        o.addProperty("normalized", false);
        o.addProperty("special", !content.equals(Instruction.SEG));
        return o;
    }

    private static JsonObject root(JsonArray added, JsonObject model) {
        JsonObject root = new JsonObject();
        root.addProperty("version", "1.0");
        root.add("truncation", JsonNull.INSTANCE);
        root.add("padding", JsonNull.INSTANCE);
        root.add("added_tokens", added);
        JsonObject normalizer = new JsonObject();
        normalizer.addProperty("type", "Lowercase");
        root.add("normalizer", normalizer);
        root.add("pre_tokenizer", byteLevelStep());
        root.add("post_processor", JsonNull.INSTANCE);
        root.add("decoder", byteLevelStep());
        root.add("model", model);
        return root;
    }

    /** Writes a tokenizer.json (pretty printed, UTF-8, trailing newline). */
    public static void write(JsonObject tokenizer, Path file) {
        String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create()
                .toJson(tokenizer) + "\n";
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, json, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The pre-tokens of a text as the tokenizer sees them: added tokens split out and kept, the rest
     * lowercased, split with GPT-2's pattern and mapped to byte-level characters.
     */
    static List<String> preTokenize(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int next = -1;
            String found = null;
            for (String a : ADDED) {
                int i = text.indexOf(a, start);
                if (i >= 0 && (next < 0 || i < next)) {
                    next = i;
                    found = a;
                }
            }
            int end = next < 0 ? text.length() : next;
            Matcher m = GPT2.matcher(text.substring(start, end).toLowerCase(Locale.ROOT));
            while (m.find()) {
                out.add(byteLevel(m.group()));
            }
            if (found == null) {
                break;
            }
            out.add(found);
            start = next + found.length();
        }
        return out;
    }

    private static String byteLevel(String piece) {
        StringBuilder s = new StringBuilder();
        for (byte b : piece.getBytes(StandardCharsets.UTF_8)) {
            s.append(BYTE_CHARS[b & 0xFF]);
        }
        return s.toString();
    }

    private static JsonObject byteLevelStep() {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", true);
        o.addProperty("use_regex", true);
        return o;
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the others to 256 + n. */
    private static char[] byteChars() {
        char[] chars = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            chars[b] = printable ? (char) b : (char) (256 + n++);
        }
        return chars;
    }
}
