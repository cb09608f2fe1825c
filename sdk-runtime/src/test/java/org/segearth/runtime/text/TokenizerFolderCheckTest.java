package org.segearth.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Opens a real tokenizer folder (a Mipha-3B or Phi-2 download, or the one
 * {@code make_realscale.py} fabricates) given as {@code -Dsegearth.test.tokenizerFolder=DIR}:
 * every reference text round-trips, every id is below {@link TextTokenizer#size()}, and
 * {@code [SEG]} encodes to its one id. Skipped without the property.
 */
class TokenizerFolderCheckTest {

    @Test
    void opensTheFolderAndRoundTripsTheReferenceTexts() {
        String folder = System.getProperty("segearth.test.tokenizerFolder");
        Assumptions.assumeTrue(folder != null && !folder.isBlank(),
                "no tokenizer folder given (-Dsegearth.test.tokenizerFolder=DIR)");
        try (TextTokenizer tok = TextTokenizer.openFolder(Path.of(folder))) {
            int checked = 0;
            for (JsonElement e : Gpt2Files.referenceIds()) {
                String text = e.getAsJsonObject().get("text").getAsString();
                long[] ids = tok.encode(text);
                assertTrue(Arrays.stream(ids).allMatch(id -> id >= 0 && id < tok.size()), Arrays.toString(ids));
                assertEquals(text, tok.decode(ids), "decode of " + e);
                checked++;
            }
            assertEquals(tok.segTokenId(), tok.encode(SegEarthPrompts.SEG)[0]);
            assertEquals(1, tok.encode(SegEarthPrompts.SEG).length);
            System.err.printf("%s: [SEG] %d (added %b), pad %d (added %b), eos %d, size %d, %d texts round-trip%n",
                    folder, tok.segTokenId(), tok.segTokenAdded(), tok.padTokenId(), tok.padTokenAdded(),
                    tok.eosTokenId(), tok.size(), checked);
        }
    }
}
