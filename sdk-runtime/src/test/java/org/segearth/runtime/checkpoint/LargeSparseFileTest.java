package org.segearth.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;

/** A sparse file of 3 GiB: tensors whose offsets lie beyond 2 GiB read correctly. */
class LargeSparseFileTest {

    @TempDir
    Path dir;

    @Test
    void tensorBeyondTwoGibibytes() throws IOException {
        long filler = 3L << 30; // 3 GiB of U8 that never touch the disk
        String header = "{\"filler\":{\"dtype\":\"U8\",\"shape\":[" + filler + "],\"data_offsets\":[0," + filler + "]},"
                + "\"tail\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[" + filler + "," + (filler + 16) + "]}}";
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve("big.safetensors");
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(json.length);
            raf.write(head.array());
            raf.write(json);
            raf.seek(8 + json.length + filler);
            raf.write(RawSafetensors.floats(1.5f, -2.5f, 3.5f, -4.5f));
        }
        assertTrue(file.toFile().length() > (2L << 30));
        try (NDManager manager = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(file, manager)) {
            assertEquals(8 + json.length + filler, ckpt.infos().get("tail").begin());
            assertArrayEquals(new float[] {1.5f, -2.5f, 3.5f, -4.5f}, ckpt.get("tail", 2, 2).toFloatArray());
            assertArrayEquals(new long[] {filler}, ckpt.shapeOf("filler"));
            SegEarthException e = assertThrows(SegEarthException.class, () -> ckpt.get("filler"));
            assertTrue(e.getMessage().contains("over 2 GiB"), e.getMessage());
        }
    }
}
