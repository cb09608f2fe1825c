package org.segearth.runtime.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;

/** The slow byte-level BPE files on tiny hand-made vocabularies: how they are read, and what is refused. */
class ByteLevelBpeFilesTest {

    /** h, i, Ġ (space), t, e, r, hi, Ġt, er, <|endoftext|>. */
    private static final String VOCAB = """
            {"h": 0, "i": 1, "\\u0120": 2, "t": 3, "e": 4, "r": 5, "hi": 6, "\\u0120t": 7, "er": 8,
             "<|endoftext|>": 9}""";

    private static Path write(Path dir, String merges) throws Exception {
        Files.writeString(dir.resolve("vocab.json"), VOCAB);
        Files.writeString(dir.resolve("merges.txt"), merges);
        return dir;
    }

    @Test
    void mergesAreRankedAndTheHeaderAndTheUnterminatedLastLineDroppedAsTransformersDoes(@TempDir Path dir)
            throws Exception {
        try (TextTokenizer tok = TextTokenizer.openFolder(write(dir, "#version: 0.2\nh i\n\u0120 t\ne r\n"))) {
            assertArrayEquals(new long[] {6, 7, 6, 3, 8}, tok.encode("hi thiter"));
            assertEquals("hi thiter", tok.decode(tok.encode("hi thiter")));
            assertArrayEquals(new long[] {9}, tok.encode("<|endoftext|>"));
            assertEquals(9, tok.eosTokenId());
            assertEquals(10, tok.padTokenId()); // no pad declared: [PAD] = 10, [SEG] = 11
            assertEquals(11, tok.segTokenId());
            assertEquals(12, tok.size());
        }
        // no header: GPT2Tokenizer drops the first line all the same ("h i" is lost)
        try (TextTokenizer tok = TextTokenizer.openFolder(write(dir, "h i\n\u0120 t\ne r\n"))) {
            assertArrayEquals(new long[] {0, 1}, tok.encode("hi"));
            assertArrayEquals(new long[] {8}, tok.encode("er"));
        }
        // no newline after the last merge: it is lost ("e r")
        try (TextTokenizer tok = TextTokenizer.openFolder(write(dir, "#version: 0.2\nh i\n\u0120 t\ne r"))) {
            assertArrayEquals(new long[] {4, 5}, tok.encode("er"));
            assertArrayEquals(new long[] {6}, tok.encode("hi"));
        }
    }

    @Test
    void declaredSpecialTokensMissingFromTheVocabularyGetTheNextIds(@TempDir Path dir) throws Exception {
        write(dir, "#version: 0.2\nh i\n");
        Files.writeString(dir.resolve("special_tokens_map.json"), """
                {"bos_token": {"content": "<s>", "lstrip": false}, "eos_token": "<|endoftext|>",
                 "unk_token": "<|endoftext|>", "pad_token": "<pad>"}""");
        try (TextTokenizer tok = TextTokenizer.openFolder(dir)) {
            // _add_tokens in SPECIAL_TOKENS_ATTRIBUTES order: <s> = 10, <pad> = 11; then [SEG] = 12
            assertArrayEquals(new long[] {10, 6, 11}, tok.encode("<s>hi<pad>"));
            assertEquals(11, tok.padTokenId());
            assertFalse(tok.padTokenAdded());
            assertEquals(12, tok.segTokenId());
        }
    }

    @Test
    void theDeclaredEosTokenIsTheEos(@TempDir Path dir) throws Exception {
        write(dir, "#version: 0.2\nh i\n");
        try (TextTokenizer tok = TextTokenizer.openFolder(dir)) {
            assertEquals(9, tok.eosTokenId());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"er\", \"pad_token\": \"er\"}");
        try (TextTokenizer tok = TextTokenizer.openFolder(dir)) {
            assertEquals(8, tok.eosTokenId());
            assertEquals(8, tok.padTokenId());
            assertEquals(10, tok.segTokenId());
        }
    }

    @Test
    void addedTokensDecoderWinsOverTheLegacyFiles(@TempDir Path dir) throws Exception {
        write(dir, "#version: 0.2\nh i\n");
        Files.writeString(dir.resolve("added_tokens.json"), "{\"<legacy>\": 10}");
        Files.writeString(dir.resolve("special_tokens_map.json"), "{\"pad_token\": \"<|endoftext|>\"}");
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"added_tokens_decoder": {"9": {"content": "<|endoftext|>", "special": true},
                                          "10": {"content": "  ", "special": false}},
                 "eos_token": "<|endoftext|>", "tokenizer_class": "CodeGenTokenizer"}""");
        try (TextTokenizer tok = TextTokenizer.openFolder(dir)) {
            assertArrayEquals(new long[] {6, 10, 6}, tok.encode("hi  hi"));
            // the map's pad_token is ignored when the config has added_tokens_decoder: [PAD] 11, [SEG] 12
            assertTrue(tok.padTokenAdded());
            assertEquals(11, tok.padTokenId());
            assertEquals(12, tok.segTokenId());
        }
    }

    @Test
    void refusesWhatItCannotReadFaithfullyWithOneLineMessages(@TempDir Path dir) throws Exception {
        write(dir, "#version: 0.2\nh i x\n");
        assertMessage(dir, "merges.txt line 2", "expected two tokens");

        write(dir, "#version: 0.2\nh i\nt h\n");
        assertMessage(dir, "merges.txt line 3 merges 't h' but vocab.json has no token 'th'", "belong together");

        write(dir, "#version: 0.2\nh i\n");
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"tokenizer_class\": \"LlamaTokenizer\"}");
        assertMessage(dir, "tokenizer_class is 'LlamaTokenizer'", "CodeGenTokenizer");

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"add_prefix_space\": true}");
        assertMessage(dir, "add_prefix_space is true", "tokenizer.json");

        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"added_tokens_decoder\": {\"x\": {\"content\": \"a\"}}}");
        assertMessage(dir, "token id 'x'", "integer");

        Files.delete(dir.resolve("tokenizer_config.json"));
        Files.writeString(dir.resolve("vocab.json"), "{\"h\": \"zero\"}");
        assertMessage(dir, "vocab.json: token 'h' has id \"zero\"", "expected an integer");

        Files.writeString(dir.resolve("vocab.json"), "[1, 2]");
        assertMessage(dir, "vocab.json is not a JSON object", "tokenizer file");

        Files.writeString(dir.resolve("vocab.json"), "{\"h\": 0,");
        assertMessage(dir, "vocab.json is not valid JSON", "");

        try (RandomAccessFile big = new RandomAccessFile(dir.resolve("vocab.json").toFile(), "rw")) {
            big.setLength(TokenizerConfig.MAX_FILE_BYTES + 1); // sparse: nothing is written
        }
        assertMessage(dir, "vocab.json has " + (TokenizerConfig.MAX_FILE_BYTES + 1) + " bytes", "at most");
    }

    @Test
    void aFolderWithoutTokenizerFilesIsNamed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("vocab.json"), VOCAB); // merges.txt missing
        assertFalse(TextTokenizer.hasTokenizerFiles(dir));
        SegEarthException e = assertThrows(SegEarthException.class, () -> TextTokenizer.openFolder(dir));
        assertTrue(e.getMessage().contains("no tokenizer in " + dir) && e.getMessage().contains("merges.txt"),
                e.getMessage());
        Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n");
        assertTrue(TextTokenizer.hasTokenizerFiles(dir));
    }

    @Test
    void segAlreadyInTheFilesIsKept(@TempDir Path dir) throws Exception {
        write(dir, "#version: 0.2\nh i\n");
        Files.writeString(dir.resolve("added_tokens.json"), "{\"[SEG]\": 10}");
        try (TextTokenizer tok = TextTokenizer.openFolder(dir)) {
            assertEquals(10, tok.segTokenId());
            assertFalse(tok.segTokenAdded());
            assertFalse(tok.padTokenAdded());
            assertEquals(11, tok.size());
        }
    }

    private static void assertMessage(Path dir, String part, String other) {
        SegEarthException e = assertThrows(SegEarthException.class, () -> TextTokenizer.openFolder(dir).close());
        assertTrue(e.getMessage().contains(part) && e.getMessage().contains(other), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }
}
