package org.segearth.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.checkpoint.SafetensorsFile;
import org.segearth.runtime.checkpoint.SafetensorsWriter;
import org.segearth.runtime.checkpoint.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Packs a model package for shipping: a copy in which every floating-point tensor of every
 * {@code .safetensors} file is stored as F16 (integer tensors and other files are copied as they
 * are), refusing values that F16 cannot hold and a package larger than the size limit.
 *
 * <pre>{@code
 * long bytes = F16Packer.pack(Path.of("demo-trained"), Path.of("demo-f16"), F16Packer.DEFAULT_LIMIT);
 * }</pre>
 */
public final class F16Packer {

    private static final Logger LOG = LoggerFactory.getLogger(F16Packer.class);

    /** The largest demo package the project ships: 25 MiB. */
    public static final long DEFAULT_LIMIT = 25L * 1024 * 1024;

    /** The largest finite F16 value. */
    static final float F16_MAX = 65504f;

    private F16Packer() {}

    /**
     * Writes the F16 copy of package {@code source} into {@code target} (an empty or new folder).
     *
     * @return the bytes of the packed package
     * @throws SegEarthException when a value overflows F16 or the package exceeds {@code maxBytes}
     */
    public static long pack(Path source, Path target, long maxBytes) {
        if (source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            throw new SegEarthException("F16Packer: source and target are both " + source + "; pack into another folder");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(source)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + source + ": " + e.getMessage(), e);
        }
        Engines.init();
        long total = 0;
        for (Path file : files) {
            Path out = target.resolve(source.relativize(file).toString());
            if (file.getFileName().toString().endsWith(".safetensors")) {
                toF16(file, out);
            } else {
                copy(file, out);
            }
            total += size(out);
        }
        LOG.info("packed {} into {}: {} files, {} bytes", source, target, files.size(), total);
        if (total > maxBytes) {
            throw new SegEarthException("the packed package " + target + " has " + total + " bytes, more than the limit "
                    + maxBytes + "; shrink the model (see demo-model/README.md) or raise the limit");
        }
        return total;
    }

    /** Rewrites one safetensors file with its floating-point tensors as F16, keeping its metadata. */
    public static void toF16(Path file, Path out) {
        Map<String, String> metadata;
        Map<String, TensorInfo> infos;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            metadata = new LinkedHashMap<>(f.metadata());
            infos = new LinkedHashMap<>(f.tensors());
        }
        try (NDManager manager = Engines.newManager(); Checkpoint c = Checkpoint.open(file, manager)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorInfo> e : infos.entrySet()) {
                NDArray a = c.get(e.getKey());
                if (e.getValue().dtype().isFloating()) {
                    a = toF16(e.getKey(), file, a);
                }
                tensors.put(e.getKey(), a);
            }
            SafetensorsWriter.write(out, tensors, metadata);
        }
    }

    private static NDArray toF16(String key, Path file, NDArray a) {
        NDArray f32 = a.toType(DataType.FLOAT32, false);
        float max = f32.size() == 0 ? 0 : f32.abs().max().getFloat();
        if (!Float.isFinite(max) || max > F16_MAX) {
            throw new SegEarthException(file + ": tensor '" + key + "' holds " + max + ", beyond F16's range (+-"
                    + F16_MAX + "); keep it in F32 or fix the training run");
        }
        return f32.toType(DataType.FLOAT16, false);
    }

    private static void copy(Path file, Path out) {
        try {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.copy(file, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new SegEarthException("cannot copy " + file + " to " + out + ": " + e.getMessage(), e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new SegEarthException("cannot read the size of " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code F16Packer SOURCE TARGET [MAX_BYTES]}. */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: F16Packer SOURCE TARGET [MAX_BYTES]");
            System.exit(2);
        }
        long limit = args.length > 2 ? Long.parseLong(args[2]) : DEFAULT_LIMIT;
        System.out.println(pack(Path.of(args[0]), Path.of(args[1]), limit) + " bytes");
    }
}
