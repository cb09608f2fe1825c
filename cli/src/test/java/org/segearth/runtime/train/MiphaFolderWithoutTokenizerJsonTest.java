package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.cli.Main;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.text.PromptTemplate;
import org.segearth.runtime.text.SegEarthPrompts;
import org.segearth.runtime.text.TextTokenizer;

/**
 * A language-model folder laid out as Mipha-3B ships it (vocab.json, merges.txt,
 * added_tokens.json, tokenizer_config.json, special_tokens_map.json; no tokenizer.json) goes
 * through {@code init}, {@code train} and {@code eval} with the byte-level BPE read from those
 * files, and {@code [SEG]} gets the id the official {@code train.py} gives it
 * ({@code tokenizer.add_tokens("[SEG]")}: the tokenizer's length).
 */
class MiphaFolderWithoutTokenizerJsonTest {

    @TempDir
    Path tmp;

    private static String[] run(int expectedCode, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out), new PrintWriter(err), args);
        assertEquals(expectedCode, code, out + "\n" + err);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void initTrainAndEvalWithTheFilesMiphaShips() throws IOException {
        Path golden = Goldens.dir("segearth_r2_tiny");
        Path mipha = Files.createDirectories(tmp.resolve("Mipha-3B"));
        Files.copy(golden.resolve("mllm/config.json"), mipha.resolve("config.json"));
        Files.copy(golden.resolve("mllm/model.safetensors"), mipha.resolve("model.safetensors"));
        int vocabulary = writeByteLevelFiles(mipha);
        assertFalse(Files.exists(mipha.resolve("tokenizer.json")));

        Path base = tmp.resolve("base");
        run(0, "init", "--mllm", mipha.toString(), "--mask-head", golden.resolve("mask_head").toString(), "--out",
                base.toString(), "--seed", "5");
        Path manifest = base.resolve(Manifest.FILE);
        Files.writeString(manifest, Manifest.read(manifest).withMaskImageSize(128).toJson()); // a fast test

        TextTokenizer tokenizer = TextTokenizer.openFolder(base.resolve("mllm"));
        assertEquals(vocabulary, tokenizer.segTokenId(), "[SEG] is added at the tokenizer's length, as train.py does");
        assertEquals(2, tokenizer.eosTokenId());
        // byte-level: every byte of any text has a token, so nothing becomes <unk>; merges apply
        long[] ids = tokenizer.encode("Segment égouts!");
        assertEquals("Segment égouts!", tokenizer.decode(ids));
        assertTrue(tokenizer.encode(" segment").length < 8, "merges apply: fewer tokens than the 8 bytes");

        Path data = TinyTrainingFixture.dataset(tmp.resolve("data"));
        Path runDir = tmp.resolve("run");
        String[] trained = run(0, "train", "--model", base.toString(), "--data", data.toString(), "--out",
                runDir.toString(), "--max-steps", "2", "--mask-loss", "dense", "--lr", "1e-3", "--seed", "3");
        assertTrue(trained[0].contains("trained steps 0..2"), trained[0]);
        Path model = Path.of(trained[0].lines().filter(l -> l.startsWith("model package: ")).findFirst()
                .orElseThrow().substring("model package: ".length()));

        Path evalOut = tmp.resolve("eval");
        run(0, "eval", "--dataset", "lasers", "--root", data.toString(), "--split", "train", "--model",
                model.toString(), "--out", evalOut.toString());
        JsonObject report = JsonParser.parseString(Files.readString(evalOut.resolve("report.json"))).getAsJsonObject();
        assertEquals("generative", report.get("mode").getAsString(), report.toString());
        double giou = report.get("gIoU").getAsDouble();
        assertTrue(giou >= 0 && giou <= 1, "gIoU " + giou);
    }

    /**
     * GPT-2's byte alphabet at ids 3..258, {@code <|endoftext|>} at 2 (the tiny model's eos), then
     * merges that spell the fixture's frequent words left to right up to id 599 (the tiny model's
     * context is short); returns the tokenizer's length.
     */
    private static int writeByteLevelFiles(Path dir) throws IOException {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        vocab.put("<unk>", 0);
        vocab.put("<s>", 1);
        vocab.put("<|endoftext|>", 2);
        List<Integer> alphabet = byteAlphabet();
        for (int i = 0; i < alphabet.size(); i++) {
            vocab.put(new String(Character.toChars(alphabet.get(i))), 3 + i);
        }
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (String piece : frequentPieces(alphabet)) {
            int[] cps = piece.codePoints().toArray();
            String left = new String(cps, 0, 1);
            for (int k = 1; k < cps.length && vocab.size() < 600; k++) {
                String right = new String(cps, k, 1);
                if (!vocab.containsKey(left + right)) {
                    merges.append(left).append(' ').append(right).append('\n');
                    vocab.put(left + right, vocab.size());
                }
                left = left + right;
            }
        }
        JsonObject json = new JsonObject();
        vocab.forEach(json::addProperty);
        Files.writeString(dir.resolve("vocab.json"), json.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("merges.txt"), merges.toString(), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("added_tokens.json"), "{}");
        Files.writeString(dir.resolve("special_tokens_map.json"), """
                {"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                 "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>"}""");
        Files.writeString(dir.resolve("tokenizer_config.json"), """
                {"add_prefix_space": false, "bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>",
                 "unk_token": "<|endoftext|>", "pad_token": "<|endoftext|>", "model_max_length": 2048,
                 "tokenizer_class": "CodeGenTokenizer"}""");
        return vocab.size();
    }

    /** GPT-2 pre-tokenizer pieces of the prompt and the records, most frequent first, in byte-alphabet form. */
    private static List<String> frequentPieces(List<Integer> alphabet) {
        StringBuilder text = new StringBuilder(PromptTemplate.PHI_V0.render(SegEarthPrompts.lasersHuman(), "x"));
        for (String[] r : TinyTrainingFixture.records()) {
            text.append(' ').append(r[0]).append(' ').append(r[1]);
        }
        Matcher m = Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+")
                .matcher(text.toString().replace("[SEG]", " "));
        Map<String, Integer> counts = new LinkedHashMap<>();
        while (m.find()) {
            StringBuilder mapped = new StringBuilder();
            for (byte b : m.group().getBytes(StandardCharsets.UTF_8)) {
                mapped.appendCodePoint(alphabet.get(b & 0xff));
            }
            counts.merge(mapped.toString(), 1, Integer::sum);
        }
        List<String> pieces = new ArrayList<>(counts.keySet());
        pieces.sort(Comparator.comparing((String p) -> -counts.get(p)));
        return pieces;
    }

    /** GPT-2's {@code bytes_to_unicode}: printable bytes map to themselves, the rest to 256.. in order. */
    private static List<Integer> byteAlphabet() {
        List<Integer> printable = new ArrayList<>();
        List<Integer> chars = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            if ((b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF)) {
                printable.add(b);
            }
        }
        int extra = 0;
        for (int b = 0; b < 256; b++) {
            chars.add(printable.contains(b) ? b : 256 + extra++);
        }
        return chars;
    }
}
