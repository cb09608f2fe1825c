package org.segearth.demo;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * are), refusing values that F16 cannot hold and a package larger than the size limit. A training
 * output (the facade's {@code model/} folder: base parts linked, {@code trained.safetensors} with
 * the trained weights by {@code part.key}, {@code training_state.safetensors}) becomes one
 * self-contained package: every trained weight is written into its base file, and neither the
 * override file nor the optimizer state is copied.
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

    /** The facade's trained weights: merged into the base files, not copied. */
    static final String TRAINED = "trained.safetensors";

    /** Files of a training output that are not part of a model (optimizer state). */
    static final Set<String> SKIPPED = Set.of(TRAINED, "training_state.safetensors");

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
        try (Stream<Path> walk = Files.walk(source, FileVisitOption.FOLLOW_LINKS)) {
            files = walk.filter(Files::isRegularFile).filter(f -> !SKIPPED.contains(f.getFileName().toString()))
                    .sorted().toList();
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + source + ": " + e.getMessage(), e);
        }
        Engines.init();
        long total = 0;
        Path trainedFile = source.resolve(TRAINED);
        try (NDManager manager = Engines.newManager();
                Checkpoint trained = Files.isRegularFile(trainedFile) ? Checkpoint.open(trainedFile, manager) : null) {
            Set<String> used = new HashSet<>();
            for (Path file : files) {
                String rel = source.relativize(file).toString().replace('\\', '/');
                Path out = target.resolve(rel);
                if (rel.endsWith(".safetensors")) {
                    toF16(file, out, trained, part(rel), used);
                } else {
                    copy(file, out);
                }
                total += size(out);
            }
            if (trained != null && !used.containsAll(trained.keys())) {
                Set<String> left = new TreeSet<>(trained.keys());
                left.removeAll(used);
                throw new SegEarthException(trainedFile + ": trained weights " + left + " replace no base weight;"
                        + " the package and its trained weights do not match");
            }
        }
        LOG.info("packed {} into {}: {} files, {} bytes", source, target, files.size(), total);
        if (total > maxBytes) {
            throw new SegEarthException("the packed package " + target + " has " + total + " bytes, more than the limit "
                    + maxBytes + "; shrink the model (see demo-model/README.md) or raise the limit");
        }
        return total;
    }

    /** The {@code trained.safetensors} prefix of a package file: {@code mllm}, {@code adapter}, {@code mask_head}, {@code seg_projector}. */
    static String part(String relativePath) {
        int slash = relativePath.indexOf('/');
        return slash > 0 ? relativePath.substring(0, slash) : relativePath.replace(".safetensors", "");
    }

    /** Rewrites one safetensors file with its floating-point tensors as F16, keeping its metadata. */
    public static void toF16(Path file, Path out) {
        toF16(file, out, null, null, new HashSet<>());
    }

    /** As {@link #toF16(Path, Path)}, each tensor replaced by {@code trained}'s {@code part.key} when there is one. */
    private static void toF16(Path file, Path out, Checkpoint trained, String part, Set<String> used) {
        Map<String, String> metadata;
        Map<String, TensorInfo> infos;
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            metadata = new LinkedHashMap<>(f.metadata());
            infos = new LinkedHashMap<>(f.tensors());
        }
        Set<String> overrides = trained == null ? Set.of() : trained.keys();
        try (NDManager manager = Engines.newManager(); Checkpoint c = Checkpoint.open(file, manager)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, TensorInfo> e : infos.entrySet()) {
                String overrideKey = part + "." + e.getKey();
                NDArray a = c.get(e.getKey());
                if (overrides.contains(overrideKey)) {
                    NDArray t = trained.get(overrideKey);
                    if (!t.getShape().equals(a.getShape())) {
                        throw new SegEarthException(overrideKey + " is " + t.getShape() + " in the trained weights but "
                                + a.getShape() + " in " + file + "; the package and its trained weights do not match");
                    }
                    a = t.toType(a.getDataType(), false);
                    used.add(overrideKey);
                }
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
