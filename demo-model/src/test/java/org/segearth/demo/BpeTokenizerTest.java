package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.text.TextTokenizer;

class BpeTokenizerTest {

    @TempDir
    static Path tmp;
    static String shipped;
    static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = BpeTokenizerTest.class.getResourceAsStream(DemoModelFactory.BPE_TOKENIZER_RESOURCE)) {
            assertTrue(in != null, "the BPE tokenizer is missing: run TokenizerBuilder bpe");
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path file = tmp.resolve("tokenizer.json");
        Files.writeString(file, shipped);
        tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static List<String> merges(String json) {
        List<String> out = new ArrayList<>();
        for (JsonElement m : JsonParser.parseString(json).getAsJsonObject().getAsJsonObject("model")
                .getAsJsonArray("merges")) {
            out.add(m.getAsString());
        }
        return out;
    }

    @Test
    void shippedFileIsTheBuiltOneWithTheChosenSize() {
        List<String> merges = merges(shipped);
        assertEquals(TokenizerBuilder.BPE_MERGES, merges.size());
        Path rebuilt = tmp.resolve("rebuilt.json");
        TokenizerBuilder.write(TokenizerBuilder.buildBpe(merges), rebuilt);
        assertEquals(shipped, assertDoesNotFail(rebuilt));
        DemoModelFactory.Vocabulary v = DemoModelFactory.Vocabulary.bpe();
        assertEquals(2000, v.size());
        assertEquals(0, v.eosTokenId());
        assertEquals(1, v.segTokenId());
        // GPT-2's first merges, in rank order
        assertEquals(List.of("Ġ t", "Ġ a", "h e", "i n", "r e"), merges.subList(0, 5));
    }

    private static String assertDoesNotFail(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void arbitraryUnicodeRoundTripsWithoutUnknownTokens() {
        Random random = new Random(11);
        int[][] ranges = {{0x20, 0x7E}, {0xA0, 0x24F}, {0x370, 0x3FF}, {0x400, 0x4FF}, {0x4E00, 0x4FFF},
            {0x1F300, 0x1F64F}, {0x600, 0x6FF}, {0x900, 0x97F}, {0x9, 0xA}};
        for (int n = 0; n < 300; n++) {
            StringBuilder s = new StringBuilder();
            int len = 1 + random.nextInt(40);
            while (s.length() < len) {
                int[] r = ranges[random.nextInt(ranges.length)];
                int cp = r[0] + random.nextInt(r[1] - r[0] + 1);
                // the normaliser lowercases: the text is drawn from characters lowercasing leaves as they are
                String c = new String(Character.toChars(cp));
                if (c.toLowerCase(Locale.ROOT).equals(c) && Character.isDefined(cp)) {
                    s.append(c);
                }
            }
            String text = s.toString();
            Encoding e = tokenizer.encode(text);
            for (long id : e.getIds()) {
                assertTrue(id >= 0 && id < 2000, text + " -> id " + id);
            }
            assertEquals(text, tokenizer.decode(e.getIds(), false), Arrays.toString(e.getTokens()));
        }
        String words = "delineate every swimming pool, the zeppelins and the asphalt, s'il vous plaît";
        assertEquals(words, tokenizer.decode(tokenizer.encode(words).getIds(), false));
        assertEquals("segment the water", tokenizer.decode(tokenizer.encode("Segment the WATER").getIds(), false));
    }

    @Test
    void segIsOneTokenAndCommonWordsAreWholeTokens() {
        Encoding e = tokenizer.encode("Sure, [SEG] roads and [SEG] buildings.<|endoftext|>");
        long[] ids = e.getIds();
        assertEquals(2, Arrays.stream(ids).filter(id -> id == 1).count(), Arrays.toString(e.getTokens()));
        assertEquals(0, ids[ids.length - 1]);
        assertArrayEquals(new long[] {1}, tokenizer.encode("[SEG]").getIds());
        assertArrayEquals(new long[] {0}, tokenizer.encode("<|endoftext|>").getIds());
        // "[seg]" typed lowercase is text, not the token
        assertTrue(Arrays.stream(tokenizer.encode("[seg]").getIds()).noneMatch(id -> id == 1));
        for (String w : List.of(" the", " water", " and", " where", " show", " can")) {
            assertEquals(1, tokenizer.encode(w).getIds().length, w + " -> " + Arrays.toString(tokenizer.encode(w).getTokens()));
        }
    }

    @Test
    void theSdkTokenizerReadsItAndThePromptsEncode() {
        try (TextTokenizer t = TextTokenizer.fromJson(shipped, "tokenizer-bpe.json")) {
            assertEquals(2000, t.size());
            for (String piece : PromptTemplates.pieces("Could you outline the villas' rooftops? \uD83D\uDE42", "Sure, [SEG] buildings.")) {
                long[] ids = t.encode(piece);
                assertTrue(ids.length > 0, piece);
            }
        }
    }

    @Test
    void mergesMustJoinEarlierTokens() {
        assertThrows(SegEarthException.class, () -> TokenizerBuilder.buildBpe(List.of("Ġ t", "xy z")));
        JsonObject small = TokenizerBuilder.buildBpe(List.of("Ġ t", "h e", "Ġt he"));
        JsonObject vocab = small.getAsJsonObject("model").getAsJsonObject("vocab");
        assertEquals(2 + 256 + 3, vocab.size());
        assertEquals(2 + 256 + 2, vocab.get("Ġthe").getAsInt());
    }

    @Test
    void initialPackageIsSizedToTheChosenVocabulary() throws IOException {
        Path pkg = tmp.resolve("pkg");
        DemoModelFactory.Summary s = DemoModelFactory.create(pkg, DemoConfig.proposed(), 1, false,
                DemoModelFactory.Vocabulary.named("bpe"));
        assertEquals(2000, s.vocabulary());
        assertEquals(1, s.segTokenId());
        assertEquals(0, s.eosTokenId());
        assertEquals(shipped, Files.readString(pkg.resolve("mllm/tokenizer.json")));
        JsonObject config = JsonParser.parseString(Files.readString(pkg.resolve("mllm/config.json"))).getAsJsonObject();
        assertEquals(2000, config.get("vocab_size").getAsInt());
        assertEquals(301, DemoModelFactory.Vocabulary.named("word").size());
        assertThrows(SegEarthException.class, () -> DemoModelFactory.Vocabulary.named("sentencepiece"));
    }
}
