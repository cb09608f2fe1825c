package org.segearth.runtime.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Messages;

/**
 * One safetensors file, its header validated up front and its tensor data read on demand, by
 * ranges, into the caller's buffer ({@link #read}). Offsets are 64-bit: files and offsets beyond
 * 2 GiB work.
 *
 * <p>Hostile files fail here with a {@link SegEarthException}: a header length past the end of the
 * file or above {@link #MAX_HEADER_BYTES}, invalid JSON, unknown dtypes, negative dimensions,
 * ranges that are reversed, overlap, leave gaps, reach outside the data area, or do not match
 * shape x dtype.
 */
public final class SafetensorsFile implements TensorFile {

    /** The largest header accepted (the format's own readers use 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;
    private final long dataStart;

    private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors,
            Map<String, String> metadata, long dataStart) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
        this.metadata = metadata;
        this.dataStart = dataStart;
    }

    /** Opens and validates {@code path}. */
    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SegEarthException("safetensors file " + path + " does not exist");
        } catch (IOException e) {
            throw new SegEarthException("cannot open safetensors file " + path + ": " + e.getMessage(), e);
        }
        try {
            return parse(path, channel);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SegEarthException("cannot read safetensors file " + path + ": " + e.getMessage(), e);
        }
    }

    private static SafetensorsFile parse(Path path, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new SegEarthException(path + " is not a safetensors file: " + size
                    + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long headerLength = lengthBytes.flip().getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SegEarthException(path + ": header length " + Long.toUnsignedString(headerLength)
                    + " is absurd (limit " + MAX_HEADER_BYTES + " bytes); the file is corrupt or not safetensors");
        }
        if (headerLength > size - 8) {
            throw new SegEarthException(path + ": header length " + headerLength + " reaches past the end of the file ("
                    + size + " bytes); the file is truncated or corrupt");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
        readFully(channel, headerBytes, 8);
        String headerText;
        try {
            headerText = StandardCharsets.UTF_8.newDecoder().decode(headerBytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new SegEarthException(path + ": header is not valid UTF-8");
        }
        JsonObject header = parseHeader(path, headerText);
        long dataStart = 8 + headerLength;
        Map<String, String> metadata = new LinkedHashMap<>();
        List<TensorInfo> list = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                readMetadata(path, e.getValue(), metadata);
            } else {
                list.add(readEntry(path, e.getKey(), e.getValue(), dataStart));
            }
        }
        checkRanges(path, list, dataStart, size);
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        list.stream().sorted(Comparator.comparing(TensorInfo::name)).forEach(t -> tensors.put(t.name(), t));
        return new SafetensorsFile(path, channel, Collections.unmodifiableMap(tensors),
                Collections.unmodifiableMap(metadata), dataStart);
    }

    private static JsonObject parseHeader(Path path, String text) {
        JsonElement element;
        try {
            element = JsonParser.parseString(text.stripTrailing());
        } catch (JsonParseException e) {
            throw new SegEarthException(path + ": header is not valid JSON (" + firstLine(e.getMessage()) + ")");
        }
        if (!element.isJsonObject()) {
            throw new SegEarthException(path + ": header must be a JSON object");
        }
        return element.getAsJsonObject();
    }

    /** The first line of {@code message} (Gson appends a "See ...Troubleshooting" line to its parse errors). */
    private static String firstLine(String message) {
        if (message == null) {
            return "no detail";
        }
        String line = message.lines().findFirst().orElse("").strip();
        return line.isEmpty() ? "no detail" : line;
    }

    private static void readMetadata(Path path, JsonElement value, Map<String, String> into) {
        if (!value.isJsonObject()) {
            throw new SegEarthException(path + ": __metadata__ must be an object of strings");
        }
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            JsonElement v = m.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
                throw new SegEarthException(path + ": __metadata__." + Messages.abbreviate(m.getKey(), 120) + " must be a string");
            }
            into.put(m.getKey(), v.getAsString());
        }
    }

    private static TensorInfo readEntry(Path path, String name, JsonElement value, long dataStart) {
        String where = path + ": tensor '" + Messages.abbreviate(name, 120) + "'";
        if (!value.isJsonObject()) {
            throw new SegEarthException(where + " must be an object with dtype, shape and data_offsets");
        }
        JsonObject o = value.getAsJsonObject();
        for (String field : List.of("dtype", "shape", "data_offsets")) {
            if (!o.has(field)) {
                throw new SegEarthException(where + " lacks '" + field + "'");
            }
        }
        if (!o.get("dtype").isJsonPrimitive()) {
            throw new SegEarthException(where + ": dtype must be a string");
        }
        DType dtype = DType.parse(o.get("dtype").getAsString(), name, path.toString());
        long[] shape = longs(where + ": shape", o.get("shape"));
        long[] offsets = longs(where + ": data_offsets", o.get("data_offsets"));
        if (offsets.length != 2) {
            throw new SegEarthException(where + ": data_offsets must hold two numbers, found " + offsets.length);
        }
        if (offsets[0] > offsets[1]) {
            throw new SegEarthException(where + ": data_offsets [" + offsets[0] + ", " + offsets[1]
                    + "] are not sorted (begin after end)");
        }
        long numel = 1;
        try {
            for (long d : shape) {
                numel = Math.multiplyExact(numel, d);
            }
            long expected = Math.multiplyExact(numel, dtype.bytes());
            if (expected != offsets[1] - offsets[0]) {
                throw new SegEarthException(where + ": shape " + java.util.Arrays.toString(shape) + " x " + dtype
                        + " needs " + expected + " bytes but data_offsets span " + (offsets[1] - offsets[0]));
            }
            return new TensorInfo(name, dtype, shape, Math.addExact(dataStart, offsets[0]),
                    Math.addExact(dataStart, offsets[1]));
        } catch (ArithmeticException e) {
            throw new SegEarthException(where + ": shape " + java.util.Arrays.toString(shape) + " overflows");
        }
    }

    private static long[] longs(String where, JsonElement e) {
        if (!e.isJsonArray()) {
            throw new SegEarthException(where + " must be an array of non-negative integers");
        }
        long[] out = new long[e.getAsJsonArray().size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement v = e.getAsJsonArray().get(i);
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new SegEarthException(where + " must be an array of non-negative integers, found " + e);
            }
            java.math.BigDecimal d;
            try {
                d = v.getAsBigDecimal();
            } catch (NumberFormatException ex) { // e.g. an exponent beyond the JSON reader's limits
                d = null;
            }
            if (d == null || d.signum() < 0 || d.stripTrailingZeros().scale() > 0
                    || d.compareTo(java.math.BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
                throw new SegEarthException(where + " must be an array of non-negative integers, found "
                        + Messages.abbreviate(e.toString(), 120));
            }
            out[i] = d.longValueExact();
        }
        return out;
    }

    /** Sorted by offset, the ranges must tile the data area exactly: no overlap, gap or overhang. */
    private static void checkRanges(Path path, List<TensorInfo> list, long dataStart, long fileSize) {
        List<TensorInfo> sorted = new ArrayList<>(list);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long expected = dataStart;
        TensorInfo previous = null;
        for (TensorInfo t : sorted) {
            if (t.end() > fileSize) {
                throw new SegEarthException(path + ": tensor '" + Messages.abbreviate(t.name(), 120) + "' ends at data offset "
                        + (t.end() - dataStart) + ", outside the data area of " + (fileSize - dataStart) + " bytes");
            }
            if (t.begin() < expected) {
                throw new SegEarthException(path + ": tensor '" + Messages.abbreviate(t.name(), 120) + "' overlaps tensor '"
                        + (previous == null ? "?" : Messages.abbreviate(previous.name(), 120)) + "' (data offsets "
                        + (t.begin() - dataStart) + " < " + (expected - dataStart) + ")");
            }
            if (t.begin() > expected) {
                throw new SegEarthException(path + ": " + (t.begin() - expected) + " bytes before tensor '"
                        + Messages.abbreviate(t.name(), 120) + "' belong to no tensor; the header does not describe the data");
            }
            expected = t.end();
            previous = t;
        }
        if (expected != fileSize) {
            throw new SegEarthException(path + ": the data area holds " + (fileSize - dataStart)
                    + " bytes but the tensors cover " + (expected - dataStart));
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        long pos = position;
        while (into.hasRemaining()) {
            int n = channel.read(into, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + pos);
            }
            pos += n;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The header's {@code __metadata__}. */
    @Override
    public Map<String, String> metadata() {
        return metadata;
    }

    /** File offset where tensor data starts. */
    public long dataStart() {
        return dataStart;
    }

    /**
     * Reads {@code length} bytes of {@code tensor}, from byte {@code offset} within it, into
     * {@code into} (from its position): a plain file read, so that nothing of the file stays mapped
     * (and resident) once the caller owns the data.
     */
    @Override
    public void read(TensorInfo tensor, long offset, ByteBuffer into) {
        long length = into.remaining();
        if (offset < 0 || offset + length > tensor.byteLength()) {
            throw new IllegalArgumentException("bytes " + offset + ".." + (offset + length) + " outside tensor '"
                    + tensor.name() + "' of " + tensor.byteLength() + " bytes");
        }
        try {
            readFully(channel, into, tensor.begin() + offset);
        } catch (IOException e) {
            throw new SegEarthException("cannot read tensor '" + tensor.name() + "' of " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to recover
        }
    }
}
