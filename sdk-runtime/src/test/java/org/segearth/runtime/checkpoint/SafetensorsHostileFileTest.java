package org.segearth.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;

/** Every kind of broken file ends in a SegEarthException that says what is wrong. */
class SafetensorsHostileFileTest {

    @TempDir
    Path dir;

    private void assertRejected(Path file, String expectedFragment) {
        SegEarthException e = assertThrows(SegEarthException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().contains(expectedFragment), () -> "message was: " + e.getMessage());
        assertTrue(e.getMessage().contains(file.toString()), () -> "message must name the file: " + e.getMessage());
    }

    @Test
    void headerLengthPastEndOfFile() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), 4096, header, new byte[0]), "past the end");
    }

    @Test
    void absurdHeaderSize() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), Long.MAX_VALUE - 3, header, new byte[0]), "absurd");
        assertRejected(RawSafetensors.write(dir.resolve("b.safetensors"), -1, header, new byte[0]), "absurd");
        assertRejected(RawSafetensors.write(dir.resolve("c.safetensors"), 1L << 40, header, new byte[0]), "absurd");
    }

    @Test
    void tooShortForTheLengthField() throws IOException {
        Path f = dir.resolve("short.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        assertRejected(f, "shorter than the 8-byte header length");
    }

    @Test
    void invalidJsonHeaderIsReportedOnOneLine() throws IOException {
        // a fuzzing finding: Gson's parse error has a second "See ...Troubleshooting" line
        String h = "{\"a\": {\"dtype\": \"F32\", \"shape\": [4294\u0002\u0000\u0000{}]}}";
        Path f = RawSafetensors.write(dir.resolve("a.safetensors"), h, new byte[0]);
        assertRejected(f, "header is not valid JSON");
        SegEarthException e = assertThrows(SegEarthException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(!e.getMessage().contains("\n") && !e.getMessage().contains("Troubleshooting"), e.getMessage());
    }

    @Test
    void exponentsBeyondTheJsonReadersLimitsAreRefused() throws IOException {
        // a fuzzing finding: Gson's BigDecimal parse of 429e967296 threw NumberFormatException
        for (String n : new String[] {"429e967296", "1e-99999", "-0.5", "4.5", "1e19"}) {
            String h = "{\"a\": {\"dtype\": \"F32\", \"shape\": [" + n + "], \"data_offsets\": [0, 4]}}";
            assertRejected(RawSafetensors.write(dir.resolve("n.safetensors"), h, new byte[4]),
                    "must be an array of non-negative integers");
        }
    }

    @Test
    void tensorNamesWithControlCharactersAreEscapedInMessages() throws IOException {
        // a fuzzing finding: a carriage return in a key made the message two lines
        String h = "{\"__\\retadata__\":{\"format\":\"pt\"}}";
        Path f = RawSafetensors.write(dir.resolve("a.safetensors"), h, new byte[0]);
        SegEarthException e = assertThrows(SegEarthException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().contains("'__\\u000detadata__' lacks 'dtype'"), e.getMessage());
        assertTrue(!e.getMessage().contains("\r") && !e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void dtypesWithControlCharactersAreEscapedInMessages() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F3\\u000b\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        Path f = RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1));
        SegEarthException e = assertThrows(SegEarthException.class, () -> SafetensorsFile.open(f).close());
        assertTrue(e.getMessage().contains("dtype 'F3\\u000b'") && e.getMessage().lines().count() == 1, e.getMessage());
    }

    @Test
    void offsetsOutsideTheDataArea() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2)), "outside the data area");
    }

    @Test
    void overlappingRanges() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2, 3)), "overlaps");
    }

    @Test
    void unsortedRange() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[8,4]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2)), "not sorted");
    }

    @Test
    void gapBetweenRanges() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2)), "belong to no tensor");
    }

    @Test
    void shapeTimesDtypeNotMatchingTheRange() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2)), "needs 12 bytes");
    }

    @Test
    void shapeThatOverflows() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4611686018427387904,4],\"data_offsets\":[0,8]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2)), "overflows");
    }

    @Test
    void negativeDimension() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2)), "non-negative");
    }

    @Test
    void unknownDtype() throws IOException {
        String h = "{\"a\":{\"dtype\":\"F8_E4M3\",\"shape\":[8],\"data_offsets\":[0,8]}}";
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), h, RawSafetensors.floats(1, 2)), "F8_E4M3");
    }

    @Test
    void invalidJson() throws IOException {
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), "{\"a\":{\"dtype\":", new byte[0]), "not valid JSON");
        assertRejected(RawSafetensors.write(dir.resolve("b.safetensors"), "[1,2]", new byte[0]), "JSON object");
        assertRejected(RawSafetensors.write(dir.resolve("c.safetensors"), "{\"a\":{\"dtype\":\"F32\"}}", new byte[0]),
                "lacks 'shape'");
    }

    @Test
    void invalidUtf8Header() throws IOException {
        byte[] header = {'{', (byte) 0xC3, (byte) 0x28, '}'};
        assertRejected(RawSafetensors.write(dir.resolve("a.safetensors"), header.length, header, new byte[0]), "UTF-8");
    }

    @Test
    void missingFile() {
        assertRejected(dir.resolve("nothing.safetensors"), "does not exist");
    }
}
