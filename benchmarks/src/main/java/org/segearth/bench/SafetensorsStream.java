package org.segearth.bench;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.function.Function;
import org.segearth.demo.internal.ParamSpec;

/**
 * Writes a safetensors file tensor by tensor, so that checkpoints of several gigabytes are written
 * with one tensor's values in memory at a time; values are stored as F32 or BF16 (rounded to
 * nearest, ties to even, as {@code torch.Tensor.to(torch.bfloat16)}). The file appears complete or
 * not at all (written beside, then moved).
 */
final class SafetensorsStream {

    /** The stored dtypes. */
    enum StoredType {
        F32(4), BF16(2);

        final int bytes;

        StoredType(int bytes) {
            this.bytes = bytes;
        }
    }

    private SafetensorsStream() {}

    /** Writes {@code specs} with the values {@code values} gives each, returns the data bytes written. */
    static long write(Path file, List<ParamSpec> specs, StoredType type, Function<ParamSpec, float[]> values) {
        JsonObject header = new JsonObject();
        JsonObject meta = new JsonObject();
        meta.addProperty("format", "pt");
        header.add("__metadata__", meta);
        long offset = 0;
        for (ParamSpec s : specs) {
            JsonObject t = new JsonObject();
            t.addProperty("dtype", type.name());
            JsonArray shape = new JsonArray();
            for (long d : s.shape()) {
                shape.add(d);
            }
            t.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offset += s.numel() * type.bytes;
            offsets.add(offset);
            t.add("data_offsets", offsets);
            header.add(s.key(), t);
        }
        byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(partial)) {
                ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(length.array());
                out.write(json);
                for (int i = json.length; i < padded; i++) {
                    out.write(' ');
                }
                for (ParamSpec s : specs) {
                    writeValues(out, values.apply(s), type);
                }
            }
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
        return offset;
    }

    private static void writeValues(OutputStream out, float[] values, StoredType type) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            if (chunk.remaining() < 4) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            if (type == StoredType.F32) {
                chunk.putFloat(v);
            } else {
                chunk.putShort(toBf16(v));
            }
        }
        out.write(chunk.array(), 0, chunk.position());
    }

    /** Rounds to the nearest bfloat16, ties to even (finite inputs). */
    static short toBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
