package org.segearth.runtime.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.segearth.api.ModelPackageException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The language model's tokenizer: DJL's Hugging Face tokenizers reading a checkpoint's
 * {@code tokenizer.json}, or the equivalent one built from the files that Phi-2 and Mipha-3B ship
 * instead ({@code vocab.json}, {@code merges.txt}, {@code added_tokens.json},
 * {@code tokenizer_config.json}, {@code special_tokens_map.json}: see {@link #openFolder}). When
 * the files lack {@code [SEG]}, it is added as the official training adds it (and {@code [PAD]}
 * before it when the folder declares no pad token). Placeholders {@code <image>} and
 * {@code <refer>} never reach the tokenizer: {@link #encodePrompt} turns them into the ids
 * {@link #IMAGE_TOKEN_INDEX} and {@link #REFER_TOKEN_INDEX}.
 *
 * <pre>{@code
 * try (TextTokenizer tok = TextTokenizer.openFolder(Path.of("model/mllm"))) {
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
    /** The pad token the official training adds when the tokenizer has none. */
    public static final String PAD = "[PAD]";

    private static final Logger LOG = LoggerFactory.getLogger(TextTokenizer.class);
    private static final Pattern PLACEHOLDERS = Pattern.compile(SegEarthPrompts.IMAGE + "|" + SegEarthPrompts.REFER);
    /**
     * Encoded once when a tokenizer is opened, so that one that cannot encode ordinary text (a
     * word-level vocabulary whose unknown token is missing, for instance) fails then rather than
     * at the first instruction.
     */
    static final String TRIAL_TEXT = "Please segment the 2 ships near the pier, and the roofs (red) [SEG].";
    /** The longest quoted token or value in a message. */
    private static final int QUOTE_CHARS = 60;

    private final HuggingFaceTokenizer tokenizer;
    private final String source;
    private final long segTokenId;
    private final long eosTokenId;
    private final long padTokenId;
    private final int size;
    private final boolean segAdded;
    private final boolean padAdded;

    private TextTokenizer(HuggingFaceTokenizer tokenizer, String source, Ids ids, int size) {
        this.tokenizer = tokenizer;
        this.source = source;
        this.segTokenId = ids.seg;
        this.eosTokenId = ids.eos;
        this.padTokenId = ids.pad;
        this.size = size;
        this.segAdded = ids.segAdded;
        this.padAdded = ids.padAdded;
    }

    /**
     * Opens {@code tokenizer.json}, or the tokenizer of a folder (as {@link #openFolder}), adding
     * {@code [SEG]} when it is missing. A single file is read without the folder's
     * {@code tokenizer_config.json}: no {@code [PAD]} is added.
     */
    public static TextTokenizer open(Path path) {
        if (Files.isDirectory(path)) {
            return openFolder(path);
        }
        if (!Files.exists(path)) {
            throw new SegEarthException("tokenizer file " + path + " does not exist; the language model folder must"
                    + " hold the tokenizer.json of its checkpoint, or its vocab.json and merges.txt");
        }
        return build(TokenizerConfig.readObject(path), path.toString(), false, null, null);
    }

    /** Whether {@code dir} holds a tokenizer {@link #openFolder} reads: tokenizer.json, or vocab.json + merges.txt. */
    public static boolean hasTokenizerFiles(Path dir) {
        return Files.isRegularFile(dir.resolve("tokenizer.json")) || ByteLevelBpeFiles.present(dir);
    }

    /**
     * Opens the tokenizer of a Hugging Face model folder ({@code path} may also be a file in it):
     * its {@code tokenizer.json} when present, else the byte-level BPE files of the slow
     * {@code CodeGenTokenizer}/{@code GPT2Tokenizer} ({@code vocab.json}, {@code merges.txt},
     * {@code added_tokens.json}, {@code tokenizer_config.json}, {@code special_tokens_map.json}),
     * as Mipha-3B and Phi-2 ship them (see {@link ByteLevelBpeFiles}).
     *
     * <p>Tokens are then added as the official {@code segearth_r2/train/train.py} adds them: when
     * {@code [SEG]} is missing and the tokenizer has no pad token (the folder's
     * {@code tokenizer_config.json}/{@code special_tokens_map.json} declare none, or the slow files
     * are read, whose class default is none), {@code [PAD]} first ({@code if tokenizer.pad_token
     * is None: smart_tokenizer_and_embedding_resize(dict(pad_token="[PAD]"), ...)}), then
     * {@code [SEG]} ({@code tokenizer.add_tokens("[SEG]")} followed by
     * {@code model.resize_token_embeddings(len(tokenizer))}); each gets the id
     * {@code len(tokenizer)} at that point, the number of distinct token strings of the vocabulary
     * and the added tokens (transformers' {@code _add_tokens}). For Mipha-3B (50257 + 38 added
     * whitespace tokens, pad declared) {@code [SEG]} is 50295.
     */
    public static TextTokenizer openFolder(Path path) {
        Path dir = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
        Path json = dir.resolve("tokenizer.json");
        TokenizerConfig config = TokenizerConfig.read(dir);
        if (Files.isRegularFile(json)) {
            return build(TokenizerConfig.readObject(json), json.toString(), config.present(), config.special("pad_token"),
                    config.special("eos_token"));
        }
        if (ByteLevelBpeFiles.present(dir)) {
            return build(ByteLevelBpeFiles.toTokenizerJson(dir, config), dir.resolve("vocab.json") + " + merges.txt",
                    true, config.special("pad_token"), config.special("eos_token"));
        }
        throw new SegEarthException("no tokenizer in " + dir + ": expected tokenizer.json, or vocab.json and merges.txt"
                + " (with added_tokens.json, tokenizer_config.json, special_tokens_map.json) as Mipha-3B ships them");
    }

    /** Builds the tokenizer from the text of a {@code tokenizer.json}; {@code source} names it in errors. */
    public static TextTokenizer fromJson(String json, String source) {
        JsonObject root;
        try {
            root = JsonParser.parseString(json).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new SegEarthException(source + " is not a tokenizer.json: " + TokenizerConfig.firstLine(e.getMessage()),
                    e);
        }
        return build(root, source, false, null, null);
    }

    /**
     * The tokenizer of {@code root} with [PAD] and [SEG] added as the official training adds them;
     * {@code knowsPad}: whether the files say which pad token there is ({@code padToken}, null for
     * none), so that a missing one is added; without it no [PAD] is added. {@code eosToken}: the
     * declared eos token, null for {@code <|endoftext|>}.
     */
    private static TextTokenizer build(JsonObject root, String source, boolean knowsPad, String padToken,
            String eosToken) {
        Engines.init();
        Vocabulary vocab = Vocabulary.of(root, source);
        Ids ids = new Ids();
        Long seg = vocab.id(SegEarthPrompts.SEG);
        if (seg == null) {
            // segearth_r2/train/train.py, train(): "if tokenizer.pad_token is None:
            // smart_tokenizer_and_embedding_resize(special_tokens_dict=dict(pad_token="[PAD]"), ...)", then
            // "tokenizer.add_tokens("[SEG]")" and "model.resize_token_embeddings(len(tokenizer))".
            if (knowsPad && padToken == null) {
                ids.pad = vocab.add(root, PAD, true, source);
                ids.padAdded = true;
                LOG.info("{} has no pad token; added {} with id {}", source, PAD, ids.pad);
            }
            seg = vocab.add(root, SegEarthPrompts.SEG, false, source);
            ids.segAdded = true;
            LOG.info("{} has no {} token; added it with id {}", source, SegEarthPrompts.SEG, seg);
        }
        ids.seg = seg;
        Long eos = vocab.id(eosToken == null ? SegEarthPrompts.END_OF_TEXT : eosToken);
        ids.eos = eos == null ? -1 : eos;
        if (padToken != null) {
            Long pad = vocab.id(padToken);
            ids.pad = pad == null ? -1 : pad;
        }
        HuggingFaceTokenizer hf;
        try {
            byte[] bytes = root.toString().getBytes(StandardCharsets.UTF_8);
            hf = HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(bytes),
                    Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
        } catch (IOException | RuntimeException e) {
            throw new SegEarthException("DJL's tokenizers cannot load " + source + ": "
                    + TokenizerConfig.firstLine(e.getMessage()), e);
        }
        try {
            hf.encode(TRIAL_TEXT, false, false);
        } catch (RuntimeException e) {
            hf.close();
            throw new SegEarthException(source + " cannot encode the text '" + TRIAL_TEXT + "': "
                    + TokenizerConfig.firstLine(e.getMessage()) + "; the tokenizer is incomplete (e.g. its unknown"
                    + " token is missing from the vocabulary)", e);
        }
        return new TextTokenizer(hf, source, ids, vocab.size());
    }

    /** {@code text} as a JSON string (control characters escaped: one line), cut to {@link #QUOTE_CHARS}. */
    private static String quote(String text) {
        String s = text.length() > QUOTE_CHARS ? text.substring(0, QUOTE_CHARS) + "..." : text;
        return new JsonPrimitive(s).toString();
    }

    /** {@code e} as compact JSON (one line), cut to {@link #QUOTE_CHARS}. */
    private static String quote(JsonElement e) {
        String s = String.valueOf(e);
        return s.length() > QUOTE_CHARS ? s.substring(0, QUOTE_CHARS) + "..." : s;
    }

    /** The ids decided while building. */
    private static final class Ids {
        long seg;
        long eos = -1;
        long pad = -1;
        boolean segAdded;
        boolean padAdded;
    }

    /** The id of {@code [SEG]}. */
    public long segTokenId() {
        return segTokenId;
    }

    /**
     * The id of the eos token ({@code <|endoftext|>} unless the folder declares another), or -1
     * when the vocabulary lacks it.
     */
    public long eosTokenId() {
        return eosTokenId;
    }

    /**
     * Ids in use: the vocabulary, the added tokens, {@code [PAD]} and {@code [SEG]} (the largest
     * id + 1; with contiguous ids, {@code len(tokenizer)}, which the official training passes to
     * {@code resize_token_embeddings}).
     */
    public int size() {
        return size;
    }

    /** Whether {@code [SEG]} was added here because the files lack it (its embedding row is new). */
    public boolean segTokenAdded() {
        return segAdded;
    }

    /** The pad token's id (the declared one, or {@code [PAD]} when added), or -1 when there is none. */
    public long padTokenId() {
        return padTokenId;
    }

    /** Whether {@code [PAD]} was added here (the official code sets its embedding rows to the mean of the others). */
    public boolean padTokenAdded() {
        return padAdded;
    }

    /** Token ids of {@code text}, without special tokens around it. */
    public long[] encode(String text) {
        if (PLACEHOLDERS.matcher(text).find()) {
            throw new SegEarthException("text to encode contains a placeholder (<image> or <refer>): '" + text
                    + "'; use encodePrompt, which maps them to " + IMAGE_TOKEN_INDEX + " and " + REFER_TOKEN_INDEX);
        }
        if (text.isEmpty()) {
            return new long[0];
        }
        try {
            return tokenizer.encode(text, false, false).getIds();
        } catch (RuntimeException e) {
            throw new ModelPackageException("the tokenizer " + source + " cannot encode " + quote(text) + ": "
                    + TokenizerConfig.firstLine(e.getMessage()), e);
        }
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
        if (real.length == 0) {
            return "";
        }
        try {
            return tokenizer.decode(real, false);
        } catch (RuntimeException e) {
            throw new ModelPackageException("the tokenizer " + source + " cannot decode " + real.length + " ids: "
                    + TokenizerConfig.firstLine(e.getMessage()), e);
        }
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
    private static final class Vocabulary {

        private static final Pattern INTEGER = Pattern.compile("[0-9]{1,10}");

        private final Map<String, Long> ids = new HashMap<>();
        private final Map<Long, String> used = new HashMap<>();
        private long max = -1;

        /**
         * The ids of {@code model.vocab} (token -> integer id; or Unigram's [piece, score] pairs,
         * numbered in order) and of {@code added_tokens} (objects with a string {@code content} and
         * an integer {@code id}); anything else is refused naming the entry.
         */
        static Vocabulary of(JsonObject root, String source) {
            Vocabulary v = new Vocabulary();
            if (root.has("model") && root.get("model").isJsonObject()) {
                JsonElement vocab = root.getAsJsonObject("model").get("vocab");
                if (vocab != null && vocab.isJsonObject()) {
                    for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                        v.put(e.getKey(), id(e.getValue(), source, "model.vocab entry " + quote(e.getKey())), source);
                    }
                } else if (vocab != null && vocab.isJsonArray()) {
                    JsonArray pieces = vocab.getAsJsonArray(); // Unigram: [piece, score] pairs
                    for (int i = 0; i < pieces.size(); i++) {
                        JsonElement p = pieces.get(i);
                        if (!p.isJsonArray() || p.getAsJsonArray().isEmpty() || !isString(p.getAsJsonArray().get(0))) {
                            throw new SegEarthException(source + ": model.vocab[" + i + "] is " + quote(p)
                                    + "; expected a [piece, score] pair with a string piece");
                        }
                        v.put(p.getAsJsonArray().get(0).getAsString(), i, source);
                    }
                }
            }
            if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
                JsonArray added = root.getAsJsonArray("added_tokens");
                for (int i = 0; i < added.size(); i++) {
                    JsonElement e = added.get(i);
                    String where = "added_tokens[" + i + "]";
                    if (!e.isJsonObject() || !isString(e.getAsJsonObject().get("content"))
                            || !e.getAsJsonObject().has("id")) {
                        throw new SegEarthException(source + ": " + where + " is " + quote(e)
                                + "; expected an object with a string 'content' and an integer 'id'");
                    }
                    JsonObject t = e.getAsJsonObject();
                    v.put(t.get("content").getAsString(), id(t.get("id"), source, where + ".id"), source);
                }
            }
            if (v.max < 0) {
                throw new SegEarthException(source + " has no vocabulary (model.vocab) nor added tokens");
            }
            return v;
        }

        private static boolean isString(JsonElement e) {
            return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
        }

        /**
         * {@code value} as a token id: a JSON integer literal in [0, 2^31 - 2] (the Rust tokenizers
         * read ids as u32 and refuse {@code 2.0} or {@code "2"} too).
         */
        private static long id(JsonElement value, String source, String what) {
            if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
                String text = value.getAsString();
                if (INTEGER.matcher(text).matches()) {
                    long id = Long.parseLong(text);
                    if (id <= Integer.MAX_VALUE - 1) {
                        return id;
                    }
                }
            }
            throw new SegEarthException(source + ": " + what + " has the id " + quote(value)
                    + "; expected an integer from 0 to " + (Integer.MAX_VALUE - 1));
        }

        private void put(String token, long id, String source) {
            if (id < 0 || id > Integer.MAX_VALUE - 1) {
                throw new SegEarthException(source + ": token " + quote(token) + " has the id " + id
                        + "; expected an integer from 0 to " + (Integer.MAX_VALUE - 1));
            }
            ids.put(token, id);
            used.putIfAbsent(id, token);
            max = Math.max(max, id);
        }

        /**
         * Adds {@code content} to {@code root}'s added tokens with the id {@code len(tokenizer)}:
         * the number of distinct token strings, as transformers' {@code _add_tokens} gives it.
         */
        long add(JsonObject root, String content, boolean special, String source) {
            long id = ids.size();
            if (used.containsKey(id)) {
                throw new SegEarthException(source + ": cannot add " + content + ": its id would be len(tokenizer) = "
                        + id + " (as transformers gives it), which " + quote(used.get(id)) + " already has; the"
                        + " vocabulary's ids are not contiguous");
            }
            JsonArray added = root.has("added_tokens") && root.get("added_tokens").isJsonArray()
                    ? root.getAsJsonArray("added_tokens") : new JsonArray();
            JsonObject token = new JsonObject();
            token.addProperty("id", id);
            token.addProperty("content", content);
            token.addProperty("single_word", false);
            token.addProperty("lstrip", false);
            token.addProperty("rstrip", false);
            token.addProperty("normalized", !special);
            token.addProperty("special", special);
            added.add(token);
            root.add("added_tokens", added);
            put(content, id, source);
            return id;
        }

        Long id(String token) {
            return ids.get(token);
        }

        int size() {
            return (int) (max + 1);
        }
    }
}
