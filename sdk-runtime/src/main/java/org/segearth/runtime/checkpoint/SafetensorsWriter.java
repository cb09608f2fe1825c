package org.segearth.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import org.segearth.api.SegEarthException;

/**
 * Writes safetensors files atomically: the data goes to a temporary file in the same folder,
 * which is synced and then renamed over the target, so a crash never leaves a half-written
 * checkpoint behind.
 *
 * <pre>{@code
 * SafetensorsWriter.write(dir.resolve("trained.safetensors"), Map.of("lm_head.weight", w), Map.of("seed", "7"));
 * }</pre>
 */
public final class SafetensorsWriter {

    private SafetensorsWriter() {}

    /** Writes {@code tensors} (keys sorted) with {@code metadata} to {@code target}. */
    public static void write(Path target, Map<String, NDArray> tensors, Map<String, String> metadata) {
        Map<String, NDArray> sorted = new TreeMap<>(tensors);
        JsonObject header = new JsonObject();
        if (!metadata.isEmpty()) {
            JsonObject meta = new JsonObject();
            new TreeMap<>(metadata).forEach(meta::addProperty);
            header.add("__metadata__", meta);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : sorted.entrySet()) {
            NDArray a = e.getValue();
            DType dtype = DType.of(a.getDataType());
            long bytes = Math.multiplyExact(a.size(), (long) dtype.bytes());
            JsonObject entry = new JsonObject();
            entry.addProperty("dtype", dtype.name());
            JsonArray shape = new JsonArray();
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            entry.add("shape", shape);
            JsonArray offsets = new JsonArray();
            offsets.add(offset);
            offsets.add(offset + bytes);
            entry.add("data_offsets", offsets);
            header.add(e.getKey(), entry);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path dir = target.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            readableByAll(temp);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writeFully(ch, head);
                for (NDArray a : sorted.values()) {
                    writeFully(ch, a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
                }
                ch.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort
                }
            }
        }
    }

    /** Temporary files are created owner-only; a written checkpoint is a normal file (rw-r--r--). */
    private static void readableByAll(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buffer) throws IOException {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new SegEarthException("safetensors writing needs a little-endian platform");
        }
        while (buffer.hasRemaining()) {
            ch.write(buffer);
        }
    }
}
