package org.segearth.runtime.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The language model's tokenizer: DJL's Hugging Face tokenizers reading a checkpoint's
 * {@code tokenizer.json}, with {@code [SEG]} as an added token (given the next free id when the
 * file lacks it, as {@code tokenizer.add_tokens} does). Placeholders {@code <image>} and
 * {@code <refer>} never reach the tokenizer: {@link #encodePrompt} turns them into the ids
 * {@link #IMAGE_TOKEN_INDEX} and {@link #REFER_TOKEN_INDEX}.
 *
 * <pre>{@code
 * try (TextTokenizer tok = TextTokenizer.open(Path.of("model/mllm"))) {
 *     long[] ids = tok.encodePrompt(PromptTemplate.PHI_V0.render(SegEarthPrompts.lasersHuman(), null));
 *     String text = tok.decode(generated);
 * }
 * }</pre>
 */
public final class TextTokenizer implements AutoCloseable {

    /** The id standing for the image tokens in a prompt. */
    public static final long IMAGE_TOKEN_INDEX = -200;
    /** The id standing for the referring instruction's embeddings in a prompt. */
    public static final long REFER_TOKEN_INDEX = -204;

    private static final Logger LOG = LoggerFactory.getLogger(TextTokenizer.class);
    private static final Pattern PLACEHOLDERS = Pattern.compile(SegEarthPrompts.IMAGE + "|" + SegEarthPrompts.REFER);

    private final HuggingFaceTokenizer tokenizer;
    private final long segTokenId;
    private final long eosTokenId;
    private final int size;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, long segTokenId, long eosTokenId, int size) {
        this.tokenizer = tokenizer;
        this.segTokenId = segTokenId;
        this.eosTokenId = eosTokenId;
        this.size = size;
    }

    /** Opens {@code tokenizer.json} (or the folder holding it), adding {@code [SEG]} when it is missing. */
    public static TextTokenizer open(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
        if (!Files.exists(file)) {
            throw new SegEarthException("tokenizer file " + file + " does not exist; the language model folder must"
                    + " hold the tokenizer.json of its checkpoint");
        }
        try {
            return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Builds the tokenizer from the text of a {@code tokenizer.json}; {@code source} names it in errors. */
    public static TextTokenizer fromJson(String json, String source) {
        Engines.init();
        JsonObject root;
        try {
            root = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new SegEarthException(source + " is not a tokenizer.json: " + e.getMessage(), e);
        }
        Vocabulary vocab = Vocabulary.of(root, source);
        Long seg = vocab.id(SegEarthPrompts.SEG);
        if (seg == null) {
            seg = (long) vocab.size();
            addToken(root, SegEarthPrompts.SEG, seg);
            LOG.info("{} has no {} token; added it with id {}", source, SegEarthPrompts.SEG, seg);
        }
        Long eos = vocab.id(SegEarthPrompts.END_OF_TEXT);
        HuggingFaceTokenizer hf;
        try {
            byte[] bytes = root.toString().getBytes(StandardCharsets.UTF_8);
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new SegEarthException("DJL's tokenizers cannot load " + source + ": " + e.getMessage(), e);
        }
        return new TextTokenizer(hf, seg, eos == null ? -1 : eos, Math.max(vocab.size(), (int) (seg + 1)));
    }

    private static void addToken(JsonObject root, String content, long id) {
        JsonArray added = root.has("added_tokens") && root.get("added_tokens").isJsonArray()
                ? root.getAsJsonArray("added_tokens") : new JsonArray();
        JsonObject token = new JsonObject();
        token.addProperty("id", id);
        token.addProperty("content", content);
        token.addProperty("single_word", false);
        token.addProperty("lstrip", false);
        token.addProperty("rstrip", false);
        token.addProperty("normalized", true);
        token.addProperty("special", false);
        added.add(token);
        root.add("added_tokens", added);
    }

    /** The id of {@code [SEG]}. */
    public long segTokenId() {
        return segTokenId;
    }

    /** The id of {@code <|endoftext|>}, or -1 when the vocabulary lacks it. */
    public long eosTokenId() {
        return eosTokenId;
    }

    /** Ids in use: the vocabulary, the added tokens and {@code [SEG]}. */
    public int size() {
        return size;
    }

    /** Token ids of {@code text}, without special tokens around it. */
    public long[] encode(String text) {
        if (PLACEHOLDERS.matcher(text).find()) {
            throw new SegEarthException("text to encode contains a placeholder (<image> or <refer>): '" + text
                    + "'; use encodePrompt, which maps them to " + IMAGE_TOKEN_INDEX + " and " + REFER_TOKEN_INDEX);
        }
        return text.isEmpty() ? new long[0] : tokenizer.encode(text, false, false).getIds();
    }

    /**
     * A rendered prompt to ids: the text between placeholders is encoded piece by piece (as the
     * official {@code tokenizer_special_tokens} does) and each placeholder becomes its index.
     */
    public long[] encodePrompt(String prompt) {
        List<Long> ids = new ArrayList<>();
        Matcher m = PLACEHOLDERS.matcher(prompt);
        int at = 0;
        while (m.find()) {
            add(ids, encode(prompt.substring(at, m.start())));
            ids.add(SegEarthPrompts.IMAGE.equals(m.group()) ? IMAGE_TOKEN_INDEX : REFER_TOKEN_INDEX);
            at = m.end();
        }
        add(ids, encode(prompt.substring(at)));
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    /** The referring instruction as LaSeRS feeds it through {@code <refer>}: its ids, then {@code [SEG]}. */
    public long[] encodeReferring(String instruction) {
        long[] text = encode(instruction.strip());
        long[] out = java.util.Arrays.copyOf(text, text.length + 1);
        out[text.length] = segTokenId;
        return out;
    }

    /** Text of {@code ids}; placeholder ids (negative) are dropped, special tokens kept. */
    public String decode(long[] ids) {
        long[] real = java.util.Arrays.stream(ids).filter(id -> id >= 0).toArray();
        return real.length == 0 ? "" : tokenizer.decode(real, false);
    }

    private static void add(List<Long> ids, long[] values) {
        for (long v : values) {
            ids.add(v);
        }
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    /** Token strings to ids from the model's vocab and the added tokens of a tokenizer.json. */
    private record Vocabulary(Map<String, Long> ids, int size) {

        static Vocabulary of(JsonObject root, String source) {
            Map<String, Long> ids = new java.util.HashMap<>();
            long max = -1;
            if (root.has("model") && root.get("model").isJsonObject()) {
                JsonElement vocab = root.getAsJsonObject("model").get("vocab");
                if (vocab != null && vocab.isJsonObject()) {
                    for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                        long id = e.getValue().getAsLong();
                        ids.put(e.getKey(), id);
                        max = Math.max(max, id);
                    }
                } else if (vocab != null && vocab.isJsonArray()) {
                    max = vocab.getAsJsonArray().size() - 1L; // Unigram: [piece, score] pairs
                    for (int i = 0; i < vocab.getAsJsonArray().size(); i++) {
                        ids.put(vocab.getAsJsonArray().get(i).getAsJsonArray().get(0).getAsString(), (long) i);
                    }
                }
            }
            if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
                for (JsonElement e : root.getAsJsonArray("added_tokens")) {
                    JsonObject t = e.getAsJsonObject();
                    long id = t.get("id").getAsLong();
                    ids.put(t.get("content").getAsString(), id);
                    max = Math.max(max, id);
                }
            }
            if (max < 0) {
                throw new SegEarthException(source + " has no vocabulary (model.vocab) nor added tokens");
            }
            return new Vocabulary(ids, (int) (max + 1));
        }

        Long id(String token) {
            return ids.get(token);
        }
    }
}
