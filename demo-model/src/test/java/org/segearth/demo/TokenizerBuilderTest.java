package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerBuilderTest {

    static final String RESOURCE = "/org/segearth/demo/tokenizer.json";

    @TempDir
    static Path tmp;
    static HuggingFaceTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        Path file = tmp.resolve("tokenizer.json");
        TokenizerBuilder.write(TokenizerBuilder.build(TokenizerBuilder.corpus()), file);
        tokenizer = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static long unknowns(Encoding e) {
        return Arrays.stream(e.getIds()).filter(id -> id == 1).count();
    }

    @Test
    void shippedTokenizerIsTheBuiltOne() throws IOException {
        try (InputStream in = TokenizerBuilderTest.class.getResourceAsStream(RESOURCE)) {
            assertTrue(in != null, RESOURCE + " is missing: run TokenizerBuilder");
            String shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(Files.readString(tmp.resolve("tokenizer.json")), shipped,
                    "the shipped tokenizer.json is stale: regenerate it with TokenizerBuilder");
        }
    }

    @Test
    void segAndEndOfTextAreSingleTokens() {
        Encoding e = tokenizer.encode("Sure, [SEG] roads and [SEG] buildings.<|endoftext|>");
        long[] ids = e.getIds();
        assertEquals(2, Arrays.stream(ids).filter(id -> id == 2).count(), Arrays.toString(e.getTokens()));
        assertEquals(0, ids[ids.length - 1]);
        assertEquals(0, unknowns(e));
        assertArrayEquals(new long[] {2}, tokenizer.encode("[SEG]").getIds());
        assertArrayEquals(new long[] {0}, tokenizer.encode("<|endoftext|>").getIds());
    }

    @Test
    void promptsAndInstructionsHaveNoUnknownWords() {
        Random random = new Random(5);
        for (DubaiClass c : DubaiClass.values()) {
            for (Instruction in : List.of(Instructions.single(c, random), Instructions.implicit(c, random),
                    Instructions.multiple(List.of(c, DubaiClass.WATER, DubaiClass.ROAD), random),
                    Instructions.empty(c, random))) {
                for (String piece : PromptTemplates.pieces(in.description(), in.answer())) {
                    Encoding e = tokenizer.encode(piece);
                    assertEquals(0, unknowns(e), piece + " -> " + Arrays.toString(e.getTokens()));
                }
            }
        }
        assertEquals(0, unknowns(tokenizer.encode("Segment the water and the roads")));
        assertEquals(0, unknowns(tokenizer.encode("Where could a boat float?")));
    }

    @Test
    void roundTripsLowercasedText() {
        for (String text : List.of("sure, the water is [SEG].", "segment the roads, the buildings and the sea",
                "where could a boat float?", PromptTemplates.SYSTEM.toLowerCase() + " user: this is an image \n",
                "\n<|assistant|> assistant:\nsure, the roads [SEG] and the vegetation [SEG]." )) {
            Encoding e = tokenizer.encode(text);
            assertEquals(0, unknowns(e), Arrays.toString(e.getTokens()));
            assertEquals(text, tokenizer.decode(e.getIds(), false));
        }
        // the normaliser lowercases; unknown words become <unk>
        assertEquals("segment the water", tokenizer.decode(tokenizer.encode("Segment the WATER").getIds(), false));
        Encoding odd = tokenizer.encode("segment the zeppelins");
        assertEquals(1, unknowns(odd));
        assertFalse(tokenizer.decode(odd.getIds(), true).contains("zeppelin"));
    }

    @Test
    void javaPreTokenizationMatchesTheTokenizers() {
        String text = "Show the roads, the houses and the water bodies?\n[SEG] <|assistant|> USER: it's";
        List<String> java = TokenizerBuilder.preTokenize(text);
        assertEquals(java, Arrays.asList(tokenizer.encode(text).getTokens()));
    }
}
