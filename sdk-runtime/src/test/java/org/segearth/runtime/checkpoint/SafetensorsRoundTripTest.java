package org.segearth.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;

class SafetensorsRoundTripTest {

    @TempDir
    Path dir;

    NDManager manager;

    @BeforeEach
    void start() {
        manager = Engines.newManager();
    }

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void writerOutputReadsBackForEveryDtype() throws IOException {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        tensors.put("f32", manager.create(new float[] {1.5f, -2f, 3.25f, 0f}, new Shape(2, 2)));
        tensors.put("f16", manager.create(new float[] {0.5f, -1f, 65504f}).toType(DataType.FLOAT16, false));
        tensors.put("f64", manager.create(new double[] {Math.PI, -1e300}));
        tensors.put("i64", manager.create(new long[] {Long.MIN_VALUE, 7}));
        tensors.put("i32", manager.create(new int[] {-5, Integer.MAX_VALUE}));
        tensors.put("u8", manager.create(new byte[] {0, (byte) 255}).toType(DataType.UINT8, false));
        tensors.put("bool", manager.create(new boolean[] {true, false, true}));
        tensors.put("empty", manager.create(new float[0], new Shape(0, 3)));
        Path file = dir.resolve("all.safetensors");
        SafetensorsWriter.write(file, tensors, Map.of("seed", "42"));

        try (Checkpoint ckpt = Checkpoint.open(file, manager)) {
            assertEquals(Map.of("seed", "42"), ckpt.files().get(0).metadata());
            assertArrayEquals(new float[] {1.5f, -2f, 3.25f, 0f}, ckpt.get("f32", 2, 2).toFloatArray());
            NDArray f16 = ckpt.get("f16");
            assertEquals(DataType.FLOAT32, f16.getDataType(), "F16 is converted to float32 on load");
            assertArrayEquals(new float[] {0.5f, -1f, 65504f}, f16.toFloatArray());
            assertArrayEquals(new double[] {Math.PI, -1e300}, ckpt.get("f64").toDoubleArray());
            assertArrayEquals(new long[] {Long.MIN_VALUE, 7}, ckpt.get("i64").toLongArray());
            assertArrayEquals(new int[] {-5, Integer.MAX_VALUE}, ckpt.get("i32").toIntArray());
            assertArrayEquals(new byte[] {0, (byte) 255}, ckpt.get("u8").toByteArray());
            assertArrayEquals(new boolean[] {true, false, true}, ckpt.get("bool").toBooleanArray());
            assertEquals(new Shape(0, 3), ckpt.get("empty").getShape());
            assertTrue(ckpt.unusedKeys().isEmpty());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file is left behind");
        }
    }

    @Test
    void bf16IsWidenedToFloat32OrFloat16() throws IOException {
        float[] values = {1f, -2.5f, 0.15625f, 0x1p127f, -0f, 0x1p-130f};
        ByteBuffer data = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
        Path file = RawSafetensors.write(dir.resolve("bf16.safetensors"),
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[6],\"data_offsets\":[0,12]}}", data.array());
        try (Checkpoint ckpt = Checkpoint.open(file, manager)) {
            NDArray w = ckpt.get("w", 6);
            assertEquals(DataType.FLOAT32, w.getDataType());
            // every value above is exactly representable in bfloat16
            assertArrayEquals(values, w.toFloatArray());
        }
        try (Checkpoint ckpt = Checkpoint.open(file, manager, DataType.FLOAT16)) {
            NDArray w = ckpt.get("w");
            assertEquals(DataType.FLOAT32, w.getDataType(), "2^127 overflows float16: the tensor stays float32");
            assertArrayEquals(values, w.toFloatArray());
        }
    }

    @Test
    void sixteenBitMatricesStayFloat16WhenAskedAndOtherTensorsBecomeFloat32() throws IOException {
        // in float16's normal range every bfloat16 value is exact in float16
        float[] values = {1f, -2.5f, 0.15625f, 65280f, -0f, 0x1p-14f, 3.0517578e-5f, -1.9921875f};
        ByteBuffer data = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
        for (float v : values) {
            data.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
        }
        Path file = RawSafetensors.write(dir.resolve("m.safetensors"),
                "{\"m\":{\"dtype\":\"BF16\",\"shape\":[2,4],\"data_offsets\":[0,16]},"
                        + "\"v\":{\"dtype\":\"BF16\",\"shape\":[8],\"data_offsets\":[16,32]}}", data.array());
        try (Checkpoint ckpt = Checkpoint.open(file, manager, DataType.FLOAT32, DataType.FLOAT16)) {
            NDArray m = ckpt.getMatrix("m", 2, 4);
            assertEquals(DataType.FLOAT16, m.getDataType());
            assertArrayEquals(values, m.toType(DataType.FLOAT32, false).toFloatArray());
            NDArray v = ckpt.get("v", 8);
            assertEquals(DataType.FLOAT32, v.getDataType(), "get() keeps the float type");
            assertArrayEquals(values, v.toFloatArray());
        }
        try (Checkpoint ckpt = Checkpoint.open(file, manager)) {
            assertEquals(DataType.FLOAT32, ckpt.getMatrix("m").getDataType(), "float32 checkpoints widen matrices too");
        }
    }

    @Test
    void headersOnlyCheckpointsHandOutPlaceholdersOfTheRightShapeAndCountTheirBytes() throws IOException {
        Path file = dir.resolve("p.safetensors");
        SafetensorsWriter.write(file, Map.of("a", manager.create(new float[6], new Shape(2, 3)),
                "b", manager.create(new float[] {1, 2}).toType(DataType.FLOAT16, false)), Map.of());
        try (Checkpoint ckpt = Checkpoint.openHeaders(file, manager, DataType.FLOAT32, DataType.FLOAT16)) {
            NDArray a = ckpt.get("a", 2, 3);
            assertEquals(new Shape(2, 3), a.getShape());
            assertEquals(DataType.FLOAT32, a.getDataType());
            assertEquals(DataType.FLOAT16, ckpt.getMatrix("b", 2).getDataType());
            assertEquals(6 * 4 + 2 * 2, ckpt.placeholderBytes());
            assertTrue(ckpt.unusedKeys().isEmpty(), "placeholders count as read");
            assertThrows(org.segearth.api.SegEarthException.class, () -> ckpt.get("a", 3, 2));
        }
    }

    @Test
    void loadedArraysOwnTheirMemory() {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, Map.of("w", manager.create(new float[] {1, 2})), Map.of());
        try (Checkpoint ckpt = Checkpoint.open(file, manager)) {
            NDArray w = ckpt.get("w");
            w.addi(10f); // would fault on a read-only mapping
            assertArrayEquals(new float[] {11, 12}, w.toFloatArray());
            assertArrayEquals(new float[] {1, 2}, ckpt.get("w").toFloatArray(), "the file is unchanged");
        }
    }

    @Test
    void writerReplacesAtomically() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(file, Map.of("w", manager.create(new float[] {1})), Map.of());
        SafetensorsWriter.write(file, Map.of("v", manager.create(new float[] {2, 3})), Map.of());
        try (Checkpoint ckpt = Checkpoint.open(file, manager)) {
            assertEquals(List.of("v"), List.copyOf(ckpt.keys()));
        }
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void shardedCheckpointThroughIndex() throws IOException {
        SafetensorsWriter.write(dir.resolve("model-00001-of-00002.safetensors"),
                Map.of("a.weight", manager.create(new float[] {1, 2})), Map.of());
        SafetensorsWriter.write(dir.resolve("model-00002-of-00002.safetensors"),
                Map.of("b.weight", manager.create(new float[] {3}), "b.bias", manager.create(new float[] {4})), Map.of());
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"metadata\":{\"total_size\":16},\"weight_map\":{"
                + "\"a.weight\":\"model-00001-of-00002.safetensors\","
                + "\"b.weight\":\"model-00002-of-00002.safetensors\","
                + "\"b.bias\":\"model-00002-of-00002.safetensors\"}}");
        try (Checkpoint ckpt = Checkpoint.open(dir, manager)) {
            assertEquals(2, ckpt.files().size());
            assertArrayEquals(new float[] {3}, ckpt.prefix("b").get("weight", 1).toFloatArray());
            assertEquals(java.util.Set.of("weight", "bias"), ckpt.prefix("b").keys());
            assertEquals(java.util.Set.of("a.weight", "b.bias"), ckpt.unusedKeys());
            SegEarthException e = assertThrows(SegEarthException.class, () -> ckpt.requireAllUsed("test model"));
            assertTrue(e.getMessage().contains("a.weight") && e.getMessage().contains("b.bias"), e.getMessage());
        }
    }

    @Test
    void indexThatNamesTheWrongShardIsRejected() throws IOException {
        SafetensorsWriter.write(dir.resolve("s1.safetensors"), Map.of("a", manager.create(new float[] {1})), Map.of());
        SafetensorsWriter.write(dir.resolve("s2.safetensors"), Map.of("b", manager.create(new float[] {1})), Map.of());
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE),
                "{\"weight_map\":{\"a\":\"s2.safetensors\",\"b\":\"s2.safetensors\"}}");
        SegEarthException e = assertThrows(SegEarthException.class, () -> Checkpoint.open(dir, manager));
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void indexCannotEscapeTheFolder() throws IOException {
        Files.writeString(dir.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\":{\"a\":\"../elsewhere.safetensors\"}}");
        SegEarthException e = assertThrows(SegEarthException.class, () -> Checkpoint.open(dir, manager));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());
    }

    @Test
    void folderWithoutCheckpoint() {
        SegEarthException e = assertThrows(SegEarthException.class, () -> Checkpoint.open(dir, manager));
        assertTrue(e.getMessage().contains("0 .safetensors files"), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
