package org.segearth.runtime.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.parity.Goldens;

/** PyTorch zip checkpoints ({@code torch.save}) read through the safe unpickler. */
class TorchZipFileTest {

    @TempDir
    Path dir;

    @Test
    void theGoldensTorchSaveHoldsTheSameTensorsAsItsSafetensors() {
        Path golden = Goldens.dir("official_r2_tiny");
        try (TensorFile bin = TorchZipFile.open(golden.resolve("torch_save/pytorch_model.bin"));
                TensorFile st = SafetensorsFile.open(golden.resolve("model.safetensors"))) {
            assertEquals(st.tensors().keySet(), bin.tensors().keySet());
            assertEquals(333, bin.tensors().size());
            for (TensorInfo s : st.tensors().values()) {
                TensorInfo b = bin.tensors().get(s.name());
                assertEquals(s.dtype(), b.dtype(), s.name());
                assertArrayEquals(s.shape(), b.shape(), s.name());
                assertEquals(s.byteLength(), b.byteLength(), s.name());
                ByteBuffer x = ByteBuffer.allocate((int) s.byteLength());
                ByteBuffer y = ByteBuffer.allocate((int) b.byteLength());
                st.read(s, 0, x);
                bin.read(b, 0, y);
                assertEquals(x.flip(), y.flip(), "bit-exact " + s.name());
            }
        }
    }

    @Test
    void checkpointOpensAFolderHoldingOnlyPytorchModelBin() throws IOException {
        Path folder = Files.createDirectories(dir.resolve("hf"));
        Files.copy(Goldens.dir("official_r2_tiny").resolve("torch_save/pytorch_model.bin"),
                folder.resolve("pytorch_model.bin"));
        try (NDManager m = Engines.newManager(); Checkpoint c = Checkpoint.open(folder, m)) {
            assertEquals(333, c.keys().size());
            assertArrayEquals(new long[] {9, 9}, c.shapeOf("model.vision_tower_mask.layers.0.blocks.0.attn.relative_position_index"));
            long[] index = c.get("model.vision_tower_mask.layers.0.blocks.0.attn.relative_position_index").toLongArray();
            assertEquals(12, index[0], "window 3: (0 + 2) * 5 + (0 + 2)");
        }
    }

    @Test
    void viewsAreReadAtTheirStorageOffset() throws IOException {
        Path f = zip(pickle("w", "FloatStorage", 4, 1, new long[] {2}, new long[] {1}), floats(1, 2, 3, 4), true);
        try (NDManager m = Engines.newManager(); Checkpoint c = Checkpoint.open(f, m)) {
            assertArrayEquals(new float[] {2, 3}, c.get("w", 2).toFloatArray());
        }
    }

    @Test
    void refusesEveryOtherPythonName() throws IOException {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2});
        p.writeBytes("cos\nsystem\n".getBytes(StandardCharsets.US_ASCII));
        p.writeBytes("X\u0002\u0000\u0000\u0000ls".getBytes(StandardCharsets.ISO_8859_1));
        p.writeBytes(new byte[] {(byte) 0x85, 'R', '.'});
        Path f = zip(p.toByteArray(), floats(1), true);
        SegEarthException e = assertThrows(SegEarthException.class, () -> TorchZipFile.open(f));
        assertTrue(e.getMessage().contains("'os.system', which is refused"), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void refusesDamagedFilesWithOneLine() throws IOException {
        byte[] good = Files.readAllBytes(Goldens.dir("official_r2_tiny").resolve("torch_save/pytorch_model.bin"));
        for (int cut : new int[] {good.length / 2, good.length - 10, 100, 3}) {
            Path f = dir.resolve("cut-" + cut + ".bin");
            Files.write(f, Arrays.copyOf(good, cut));
            SegEarthException e = assertThrows(SegEarthException.class, () -> TorchZipFile.open(f).close(), "cut " + cut);
            assertOneLine(e);
        }
        Map<String, SegEarthException> cases = Map.of(
                "reads elements 3..7 of a storage of 4",
                refused(pickle("w", "FloatStorage", 4, 3, new long[] {4}, new long[] {1}), floats(1, 2, 3, 4), true),
                "claims 1099511627776 x F32 elements but its entry holds 16 bytes",
                refused(pickle("w", "FloatStorage", 1L << 40, 0, new long[] {4}, new long[] {1}), floats(1, 2, 3, 4), true),
                "overflows",
                refused(pickle("w", "FloatStorage", 4, 0, new long[] {1L << 40, 1L << 40}, new long[] {1L << 40, 1}),
                        floats(1, 2, 3, 4), true),
                "is a non-contiguous view (shape [2, 2], stride [1, 2])",
                refused(pickle("w", "FloatStorage", 4, 0, new long[] {2, 2}, new long[] {1, 2}), floats(1, 2, 3, 4), true),
                "is compressed",
                refused(pickle("w", "FloatStorage", 4, 0, new long[] {4}, new long[] {1}), floats(1, 2, 3, 4), false),
                "holds a torch.ComplexFloatStorage, a storage type that is not read",
                refused(pickle("w", "ComplexFloatStorage", 2, 0, new long[] {2}, new long[] {1}), floats(1, 2, 3, 4), true));
        cases.forEach((expected, e) -> {
            assertTrue(e.getMessage().contains(expected), expected + " in: " + e.getMessage());
            assertOneLine(e);
        });
    }

    @Test
    void entryNamesWithLineBreaksAreEscapedInMessages() throws IOException {
        // a fuzzing finding: the pickle's entry name, echoed in the unpickler's error, broke the line
        Path f = dir.resolve("names.bin");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            entry(z, "ons\nOre/data.pkl", new byte[] {(byte) 0x80, 2, 0x0a}, true);
        }
        SegEarthException e = assertThrows(SegEarthException.class, () -> TorchZipFile.open(f).close());
        assertTrue(e.getMessage().contains("ons\\u000aOre/data.pkl"), e.getMessage());
        assertOneLine(e);
    }

    @Test
    void aSafetensorsFileIsNotTakenForAZip() {
        assertFalse(TorchZipFile.isZip(Goldens.dir("official_r2_tiny").resolve("model.safetensors")));
        assertTrue(TorchZipFile.isZip(Goldens.dir("official_r2_tiny").resolve("torch_save/pytorch_model.bin")));
    }

    private SegEarthException refused(byte[] pickle, byte[] storage, boolean stored) {
        try {
            Path f = zip(pickle, storage, stored);
            return assertThrows(SegEarthException.class, () -> TorchZipFile.open(f).close());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void assertOneLine(SegEarthException e) {
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    /** {@code {name: _rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())}}, as torch.save pickles it. */
    private static byte[] pickle(String name, String storageType, long numel, long offset, long[] size, long[] stride) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {(byte) 0x80, 2, '}'});
        text(p, name);
        ascii(p, "ctorch._utils\n_rebuild_tensor_v2\n(");
        ascii(p, "(");
        text(p, "storage");
        ascii(p, "ctorch\n" + storageType + "\n");
        text(p, "0");
        text(p, "cpu");
        integer(p, numel);
        ascii(p, "tQ");
        integer(p, offset);
        ascii(p, "(");
        for (long s : size) {
            integer(p, s);
        }
        ascii(p, "t(");
        for (long s : stride) {
            integer(p, s);
        }
        ascii(p, "t");
        p.write(0x89);
        ascii(p, "ccollections\nOrderedDict\n)RtRs.");
        return p.toByteArray();
    }

    private static void ascii(OutputStream o, String s) {
        try {
            o.write(s.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void text(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write('X');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        o.writeBytes(b);
    }

    private static void integer(ByteArrayOutputStream o, long v) {
        ascii(o, "I" + v + "\n");
    }

    /** A torch.save-like zip: archive/data.pkl, archive/data/0, archive/version. */
    private Path zip(byte[] pickle, byte[] storage, boolean stored) throws IOException {
        Path f = Files.createTempFile(dir, "t", ".bin");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            entry(z, "archive/data.pkl", pickle, true);
            entry(z, "archive/data/0", storage, stored);
            entry(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII), true);
        }
        return f;
    }

    private static void entry(ZipOutputStream z, String name, byte[] data, boolean stored) throws IOException {
        ZipEntry e = new ZipEntry(name);
        if (stored) {
            CRC32 crc = new CRC32();
            crc.update(data);
            e.setMethod(ZipEntry.STORED);
            e.setSize(data.length);
            e.setCompressedSize(data.length);
            e.setCrc(crc.getValue());
        } else {
            e.setMethod(ZipEntry.DEFLATED);
        }
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
