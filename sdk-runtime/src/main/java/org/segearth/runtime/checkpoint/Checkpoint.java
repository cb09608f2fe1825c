package org.segearth.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.spi.Weights;
import org.segearth.spi.config.JsonConfig;

/**
 * A checkpoint: one safetensors file or the shards of a {@code model.safetensors.index.json},
 * memory-mapped, read by key. This is the root {@link Weights} view; it remembers which keys were
 * read so that loaders can report the unused ones ({@link #requireAllUsed}).
 *
 * <pre>{@code
 * try (Checkpoint ckpt = Checkpoint.open(dir, manager)) {
 *     NDArray w = ckpt.prefix("model.layers.0").get("mlp.fc1.weight", 10240, 2560);
 *     ckpt.requireAllUsed("Phi-2");
 * }
 * }</pre>
 *
 * <p>Tensor data is mapped, never read into the Java heap: each tensor is copied (or converted)
 * straight from the mapping into native memory that its array owns. BF16 and F16 become the
 * float type asked for (float32 on CPUs, float16 optionally on GPUs), in native memory.
 */
public final class Checkpoint implements Weights, AutoCloseable {

    /** The index file of sharded checkpoints. */
    public static final String INDEX_FILE = "model.safetensors.index.json";

    private final String description;
    private final NDManager manager;
    private final DataType floatType;
    private final List<SafetensorsFile> files;
    private final Map<String, Entry> entries;
    private final Set<String> used = ConcurrentHashMap.newKeySet();

    private record Entry(SafetensorsFile file, TensorInfo info) {}

    private Checkpoint(String description, NDManager manager, DataType floatType, List<SafetensorsFile> files) {
        this.description = description;
        this.manager = manager;
        this.floatType = floatType;
        this.files = List.copyOf(files);
        Map<String, Entry> map = new TreeMap<>();
        for (SafetensorsFile f : files) {
            for (TensorInfo t : f.tensors().values()) {
                Entry previous = map.put(t.name(), new Entry(f, t));
                if (previous != null) {
                    throw new SegEarthException("checkpoint " + description + ": tensor '" + t.name()
                            + "' is stored twice, in " + previous.file().path() + " and " + f.path());
                }
            }
        }
        this.entries = Collections.unmodifiableMap(map);
    }

    /** Opens {@code path} with float32 weights. */
    public static Checkpoint open(Path path, NDManager manager) {
        return open(path, manager, DataType.FLOAT32);
    }

    /**
     * Opens {@code path}: a {@code .safetensors} file, an index file, or a folder holding
     * {@code model.safetensors.index.json}, {@code model.safetensors} or exactly one
     * {@code .safetensors} file.
     *
     * @param floatType {@link DataType#FLOAT32} or {@link DataType#FLOAT16}: what floating tensors become
     */
    public static Checkpoint open(Path path, NDManager manager, DataType floatType) {
        Engines.init();
        if (floatType != DataType.FLOAT32 && floatType != DataType.FLOAT16) {
            throw new SegEarthException("weights load as float32 or float16, not " + floatType);
        }
        Path file = resolve(path);
        if (file.getFileName().toString().endsWith(".index.json")) {
            return openSharded(file, manager, floatType);
        }
        return new Checkpoint(file.toString(), manager, floatType, List.of(SafetensorsFile.open(file)));
    }

    private static Path resolve(Path path) {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
                throw new SegEarthException("checkpoint " + path + " does not exist");
            }
            return path;
        }
        if (Files.exists(path.resolve(INDEX_FILE))) {
            return path.resolve(INDEX_FILE);
        }
        if (Files.exists(path.resolve("model.safetensors"))) {
            return path.resolve("model.safetensors");
        }
        List<Path> candidates;
        try (Stream<Path> s = Files.list(path)) {
            candidates = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + path + ": " + e.getMessage(), e);
        }
        if (candidates.size() != 1) {
            throw new SegEarthException("folder " + path + " holds " + candidates.size() + " .safetensors files "
                    + candidates + " and no " + INDEX_FILE + "; expected model.safetensors or an index");
        }
        return candidates.get(0);
    }

    private static Checkpoint openSharded(Path index, NDManager manager, DataType floatType) {
        JsonConfig json = JsonConfig.read(index);
        JsonConfig weightMap = json.object("weight_map");
        Map<String, String> keyToShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : weightMap.json().entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                throw weightMap.invalid(e.getKey(), "must name a shard file");
            }
            keyToShard.put(e.getKey(), e.getValue().getAsString());
        }
        List<SafetensorsFile> shards = new ArrayList<>();
        try {
            for (String shard : new TreeSet<>(keyToShard.values())) {
                Path shardPath = index.resolveSibling(shard).normalize();
                if (!shardPath.startsWith(index.getParent().normalize())) {
                    throw new SegEarthException(index + ": shard '" + shard + "' lies outside the checkpoint folder");
                }
                shards.add(SafetensorsFile.open(shardPath));
            }
            Checkpoint ckpt = new Checkpoint(index.toString(), manager, floatType, shards);
            for (Map.Entry<String, String> e : keyToShard.entrySet()) {
                Entry entry = ckpt.entries.get(e.getKey());
                if (entry == null || !entry.file().path().getFileName().toString()
                        .equals(Path.of(e.getValue()).getFileName().toString())) {
                    throw new SegEarthException(index + ": weight_map puts '" + e.getKey() + "' in " + e.getValue()
                            + " but " + (entry == null ? "no shard holds it" : "it is in " + entry.file().path()));
                }
            }
            return ckpt;
        } catch (RuntimeException e) {
            shards.forEach(SafetensorsFile::close);
            throw e;
        }
    }

    /** The files behind this checkpoint. */
    public List<SafetensorsFile> files() {
        return files;
    }

    /** Header information of every tensor, by key. */
    public Map<String, TensorInfo> infos() {
        Map<String, TensorInfo> out = new TreeMap<>();
        entries.forEach((k, v) -> out.put(k, v.info()));
        return out;
    }

    @Override
    public Weights prefix(String prefix) {
        return new ScopedWeights(this, prefix);
    }

    @Override
    public String scope() {
        return "";
    }

    @Override
    public NDArray get(String key, long... shape) {
        Entry e = entry(key);
        checkShape(key, e.info(), shape);
        used.add(key);
        return load(e);
    }

    @Override
    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    @Override
    public long[] shapeOf(String key) {
        return entry(key).info().shape();
    }

    @Override
    public Set<String> keys() {
        return entries.keySet();
    }

    @Override
    public NDManager manager() {
        return manager;
    }

    /** Keys nobody read yet, sorted. */
    public Set<String> unusedKeys() {
        Set<String> out = new TreeSet<>(entries.keySet());
        out.removeAll(used);
        return out;
    }

    /** Keys read so far. */
    public Set<String> usedKeys() {
        return Collections.unmodifiableSet(new TreeSet<>(used));
    }

    /**
     * Strict mode: fails when keys were left unread, listing them (a checkpoint for another model,
     * or a layout this loader does not know).
     */
    public void requireAllUsed(String model) {
        Set<String> unused = unusedKeys();
        if (!unused.isEmpty()) {
            List<String> shown = unused.stream().limit(10).toList();
            throw new SegEarthException("checkpoint " + description + " has " + unused.size() + " keys that " + model
                    + " does not use: " + shown + (unused.size() > shown.size() ? " ..." : "")
                    + "; is it a checkpoint for another model or layout?");
        }
    }

    private Entry entry(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new SegEarthException("checkpoint " + description + " has no tensor '" + key + "'"
                    + KeyDistance.nearest(key, entries.keySet()).map(n -> "; nearest existing key: '" + n + "'").orElse(""));
        }
        return e;
    }

    private void checkShape(String key, TensorInfo info, long[] expected) {
        if (expected.length > 0 && !Arrays.equals(info.shape(), expected)) {
            throw new SegEarthException("checkpoint " + description + ": tensor '" + key + "' has shape "
                    + Arrays.toString(info.shape()) + ", expected " + Arrays.toString(expected));
        }
    }

    private NDArray load(Entry e) {
        TensorInfo info = e.info();
        Shape shape = new Shape(info.shape());
        ByteBuffer data = e.file().map(info);
        NDArray array = switch (info.dtype()) {
            case BF16 -> manager.create(bf16ToF32(data, info.numel()), shape, DataType.FLOAT32);
            // a view of the read-only mapping must never be handed out: an in-place write would
            // fault; converting or copying moves the data into native memory the array owns
            case F16, F32 -> convert(manager.create(data, shape, info.dtype().dataType()), floatType);
            default -> convert(manager.create(data, shape, info.dtype().dataType()), null);
        };
        if (info.dtype() == DType.BF16 && floatType == DataType.FLOAT16) {
            array = convert(array, DataType.FLOAT16);
        }
        array.setName(info.name());
        return array;
    }

    /** Converts to {@code type}, or copies when {@code type} is null or already the type; closes the input. */
    private static NDArray convert(NDArray array, DataType type) {
        NDArray owned = type == null || array.getDataType() == type ? array.duplicate() : array.toType(type, true);
        array.close();
        return owned;
    }

    /** BF16 is the upper half of an F32: widen in native (direct) memory. */
    private static ByteBuffer bf16ToF32(ByteBuffer data, long numel) {
        ShortBuffer in = data.asShortBuffer();
        ByteBuffer out = ByteBuffer.allocateDirect(Math.toIntExact(numel * 4)).order(ByteOrder.nativeOrder());
        FloatBuffer floats = out.asFloatBuffer();
        for (int i = 0; i < numel; i++) {
            floats.put(i, Float.intBitsToFloat((in.get(i) & 0xFFFF) << 16));
        }
        return out;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + description + ", " + entries.size() + " tensors]";
    }
}
