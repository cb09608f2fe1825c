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

    /** {@code TokenizerBuilder OUT_FILE}: writes the demo tokenizer. */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: TokenizerBuilder OUT_FILE");
            System.exit(2);
        }
        write(build(corpus()), Path.of(args[0]));
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
            JsonObject o = new JsonObject();
            o.addProperty("id", vocab.size());
            o.addProperty("content", a);
            o.addProperty("single_word", false);
            o.addProperty("lstrip", false);
            o.addProperty("rstrip", false);
            o.addProperty("normalized", false);
            o.addProperty("special", !a.equals(Instruction.SEG));
            added.add(o);
            vocab.addProperty(a, vocab.size());
        }
        for (String w : words) {
            vocab.addProperty(w, vocab.size());
        }
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
        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        model.add("vocab", vocab);
        model.addProperty("unk_token", "<unk>");
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
