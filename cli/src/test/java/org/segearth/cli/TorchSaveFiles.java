package org.segearth.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.segearth.runtime.checkpoint.SafetensorsFile;
import org.segearth.runtime.checkpoint.TensorInfo;

/**
 * Writes a safetensors file's tensors as {@code torch.save} writes a state dict (zip format: the
 * pickle in {@code archive/data.pkl}, one uncompressed {@code archive/data/<i>} per storage), for
 * tests of the {@code .bin} path without Python.
 */
final class TorchSaveFiles {

    private static final Map<String, String> STORAGES = Map.of("F32", "FloatStorage", "F16", "HalfStorage",
            "I64", "LongStorage", "BF16", "BFloat16Storage");

    private TorchSaveFiles() {}

    static void convert(Path safetensors, Path bin) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(safetensors);
                ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bin))) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            p.writeBytes(new byte[] {(byte) 0x80, 2, '}', '('});
            List<byte[]> storages = new ArrayList<>();
            for (TensorInfo t : f.tensors().values()) {
                ByteBuffer data = ByteBuffer.allocate((int) t.byteLength());
                f.read(t, 0, data);
                String key = Integer.toString(storages.size());
                storages.add(data.array());
                text(p, t.name());
                ascii(p, "ctorch._utils\n_rebuild_tensor_v2\n((");
                text(p, "storage");
                ascii(p, "ctorch\n" + STORAGES.get(t.dtype().name()) + "\n");
                text(p, key);
                text(p, "cpu");
                ascii(p, "I" + t.numel() + "\ntQI0\n(");
                long[] shape = t.shape();
                for (long d : shape) {
                    ascii(p, "I" + d + "\n");
                }
                ascii(p, "t(");
                long stride = 1;
                long[] strides = new long[shape.length];
                for (int i = shape.length - 1; i >= 0; i--) {
                    strides[i] = stride;
                    stride *= shape[i];
                }
                for (long s : strides) {
                    ascii(p, "I" + s + "\n");
                }
                ascii(p, "t\u0089ccollections\nOrderedDict\n)RtR");
            }
            ascii(p, "u.");
            entry(z, "archive/data.pkl", p.toByteArray());
            entry(z, "archive/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < storages.size(); i++) {
                entry(z, "archive/data/" + i, storages.get(i));
            }
            entry(z, "archive/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void ascii(ByteArrayOutputStream o, String s) {
        o.writeBytes(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static void text(ByteArrayOutputStream o, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write('X');
        o.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        o.writeBytes(b);
    }

    private static void entry(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        e.setCompressedSize(data.length);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
