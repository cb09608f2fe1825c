package org.segearth.runtime.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ModelPackageException;
import org.segearth.api.SegEarthException;

class TextTokenizerTest {

    /** A word-level tokenizer.json without [SEG]. */
    static final String WORD_LEVEL = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[{"id":0,"content":"<|endoftext|>","single_word":false,"lstrip":false,"rstrip":false,
                              "normalized":false,"special":true}],
             "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,"decoder":null,
             "model":{"type":"WordLevel","unk_token":"[UNK]",
                      "vocab":{"<|endoftext|>":0,"[UNK]":1,"this":2,"is":3,"an":4,"image":5,"segment":6,
                               "the":7,"planes":8,",":9,"please":10}}}
            """;

    /** A byte-level BPE tokenizer.json (the kind Phi-2 uses), with [SEG] already added. */
    static final String BYTE_LEVEL = """
            {"version":"1.0","truncation":null,"padding":null,
             "added_tokens":[{"id":9,"content":"<|endoftext|>","single_word":false,"lstrip":false,"rstrip":false,
                              "normalized":false,"special":true},
                             {"id":10,"content":"[SEG]","single_word":false,"lstrip":false,"rstrip":false,
                              "normalized":true,"special":false}],
             "normalizer":null,
             "pre_tokenizer":{"type":"ByteLevel","add_prefix_space":false,"trim_offsets":true,"use_regex":true},
             "post_processor":null,
             "decoder":{"type":"ByteLevel","add_prefix_space":true,"trim_offsets":true,"use_regex":true},
             "model":{"type":"BPE","dropout":null,"unk_token":null,"continuing_subword_prefix":"",
                      "end_of_word_suffix":"","fuse_unk":false,"byte_fallback":false,
                      "vocab":{"h":0,"i":1,"\\u0120":2,"t":3,"e":4,"r":5,"hi":6,"\\u0120t":7,"er":8},
                      "merges":["h i","\\u0120 t","e r"]}}
            """;

    @Test
    void addsSegAndRoundTripsWordLevelText(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), WORD_LEVEL);
        try (TextTokenizer tok = TextTokenizer.open(dir)) {
            assertEquals(11, tok.segTokenId());
            assertEquals(0, tok.eosTokenId());
            assertEquals(12, tok.size());
            long[] ids = tok.encode("segment the planes [SEG]");
            assertArrayEquals(new long[] {6, 7, 8, 11}, ids);
            assertEquals("segment the planes [SEG]", tok.decode(ids));
            assertEquals("this is an image", tok.decode(tok.encode("this is an image")));
            assertArrayEquals(new long[] {7, 8, 11}, tok.encodeReferring("  the planes "));
        }
    }

    @Test
    void keepsPlaceholdersOutOfTheTokenizer() {
        try (TextTokenizer tok = TextTokenizer.fromJson(WORD_LEVEL, "test")) {
            long[] ids = tok.encodePrompt("this is an image <image> , please <refer> [SEG]");
            assertArrayEquals(new long[] {2, 3, 4, 5, TextTokenizer.IMAGE_TOKEN_INDEX, 9, 10,
                TextTokenizer.REFER_TOKEN_INDEX, 11}, ids);
            assertEquals("this is an image , please [SEG]", tok.decode(ids));
            assertThrows(SegEarthException.class, () -> tok.encode("an <image>"));
        }
    }

    @Test
    void roundTripsByteLevelBpeWithSpacesAndSeg() {
        try (TextTokenizer tok = TextTokenizer.fromJson(BYTE_LEVEL, "test")) {
            assertEquals(10, tok.segTokenId());
            assertEquals(9, tok.eosTokenId());
            long[] ids = tok.encode("hi there");
            assertArrayEquals(new long[] {6, 7, 0, 8, 4}, ids);
            assertEquals("hi there", tok.decode(ids));
            long[] withSeg = tok.encode("hi [SEG] there<|endoftext|>");
            assertEquals(10, withSeg[2], java.util.Arrays.toString(withSeg));
            assertEquals(9, withSeg[withSeg.length - 1]);
            assertEquals("hi [SEG] there<|endoftext|>", tok.decode(withSeg));
        }
    }

    @Test
    void aTokenizerJsonFolderWhoseConfigDeclaresNoPadTokenGetsPadBeforeSeg(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tokenizer.json"), WORD_LEVEL);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"<|endoftext|>\"}");
        try (TextTokenizer tok = TextTokenizer.openFolder(dir)) {
            assertEquals(11, tok.padTokenId());
            assertEquals(12, tok.segTokenId());
            assertArrayEquals(new long[] {6, 11, 12}, tok.encode("segment [PAD] [SEG]"));
        }
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<|endoftext|>\"}");
        try (TextTokenizer tok = TextTokenizer.open(dir)) {
            assertEquals(0, tok.padTokenId());
            assertEquals(11, tok.segTokenId());
        }
        // a single tokenizer.json file is read without the folder's config: no [PAD]
        try (TextTokenizer tok = TextTokenizer.open(dir.resolve("tokenizer.json"))) {
            assertEquals(-1, tok.padTokenId());
            assertEquals(11, tok.segTokenId());
        }
    }

    /** A word-level tokenizer.json whose unknown token is not in its vocabulary, with {@code words} as the vocab. */
    private static String wordLevelWithoutUnk(String... words) {
        StringBuilder vocab = new StringBuilder("\"<|endoftext|>\":0");
        for (int i = 0; i < words.length; i++) {
            vocab.append(",\"").append(words[i]).append("\":").append(i + 1);
        }
        return WORD_LEVEL.replaceFirst("(?s)\"vocab\":\\{.*?\\}", "\"vocab\":{" + vocab.toString()
                .replace("\\", "\\\\").replace("$", "\\$") + "}");
    }

    private static SegEarthException refused(Path file) {
        SegEarthException e = assertThrows(SegEarthException.class, () -> TextTokenizer.open(file).close());
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(!e.getMessage().contains("\n") && !e.getMessage().contains("\r"), e.getMessage());
        return e;
    }

    @Test
    void invalidJsonIsReportedOnOneLine(@TempDir Path dir) throws Exception {
        // a fuzzing finding: Gson's parse error has a second "See ...Troubleshooting" line
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, ",\"n:\"0\",{\n  \n");
        SegEarthException e = refused(file);
        assertTrue(e.getMessage().contains("not valid JSON") && !e.getMessage().contains("Troubleshooting"),
                e.getMessage());
        e = assertThrows(SegEarthException.class, () -> TextTokenizer.fromJson("{\"a\": [1 2]}", "inline").close());
        assertTrue(e.getMessage().startsWith("inline is not a tokenizer.json") && !e.getMessage().contains("\n"),
                e.getMessage());
    }

    @Test
    void aVocabIdThatIsNotAnIntegerIsRefused(@TempDir Path dir) throws Exception {
        // a fuzzing finding: "$249" threw NumberFormatException
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, WORD_LEVEL.replace("\"planes\":8", "\"planes\":\"$249\""));
        SegEarthException e = refused(file);
        assertTrue(e.getMessage().contains("model.vocab entry \"planes\"") && e.getMessage().contains("\"$249\""),
                e.getMessage());
        Files.writeString(file, WORD_LEVEL.replace("\"planes\":8", "\"planes\":8.5"));
        assertTrue(refused(file).getMessage().contains("8.5"));
        Files.writeString(file, WORD_LEVEL.replace("\"planes\":8", "\"plan\\nes\":-8"));
        assertTrue(refused(file).getMessage().contains("\"plan\\nes\" has the id -8"));
    }

    @Test
    void anAddedTokenWithoutIdOrContentIsRefused(@TempDir Path dir) throws Exception {
        // a fuzzing finding: a missing 'id' or 'content' threw NullPointerException
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, WORD_LEVEL.replace("{\"id\":0,\"content\"", "{\"content\""));
        SegEarthException e = refused(file);
        assertTrue(e.getMessage().contains("added_tokens[0]") && e.getMessage().contains("integer 'id'"),
                e.getMessage());
        Files.writeString(file, WORD_LEVEL.replace("\"content\":\"<|endoftext|>\"", "\"contents\":\"x\""));
        assertTrue(refused(file).getMessage().contains("added_tokens[0] is {\"id\":0,\"contents\""));
        Files.writeString(file, WORD_LEVEL.replace("{\"id\":0,", "{\"id\":\"zero\","));
        assertTrue(refused(file).getMessage().contains("added_tokens[0].id has the id \"zero\""));
    }

    @Test
    void aTokenizerThatCannotEncodeFailsWhenOpened(@TempDir Path dir) throws Exception {
        // a fuzzing finding: "WordLevel error: Missing [UNK] token" escaped from the first encode
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, wordLevelWithoutUnk("segment", "the", "planes"));
        SegEarthException e = refused(file);
        assertTrue(e.getMessage().contains("cannot encode") && e.getMessage().contains("Missing [UNK] token"),
                e.getMessage());
    }

    @Test
    void aNativeEncodingErrorIsAModelPackageException(@TempDir Path dir) throws Exception {
        // the trial text's words are known; others are not and there is no [UNK] to map them to
        Path file = dir.resolve("tokenizer.json");
        Files.writeString(file, wordLevelWithoutUnk("Please", "segment", "the", "2", "ships", "near", "pier", ",",
                "and", "roofs", "(", "red", ")", "."));
        try (TextTokenizer tok = TextTokenizer.open(file)) {
            assertArrayEquals(new long[] {2, 3, 5}, tok.encode("segment the ships"));
            ModelPackageException e = assertThrows(ModelPackageException.class, () -> tok.encode("the harbour"));
            assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("\"the harbour\"")
                    && e.getMessage().contains("Missing [UNK] token") && !e.getMessage().contains("\n"),
                    e.getMessage());
            assertThrows(ModelPackageException.class, () -> tok.encodePrompt("<image> the harbour"));
        }
    }

    @Test
    void reportsAMissingFile(@TempDir Path dir) {
        SegEarthException e = assertThrows(SegEarthException.class, () -> TextTokenizer.open(dir));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }
}
