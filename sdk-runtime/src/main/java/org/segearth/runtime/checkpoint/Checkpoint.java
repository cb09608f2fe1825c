package org.segearth.runtime.checkpoint;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * A checkpoint: one safetensors file, one PyTorch zip file ({@code pytorch_model.bin},
 * {@link TorchZipFile}), the shards of an index, or another checkpoint under other names through a
 * key map ({@link KeyMap}); its headers validated on open, its tensors read by key. This is the root {@link Weights} view;
 * it remembers which keys were read so that loaders can report the unused ones
 * ({@link #requireAllUsed}).
 *
 * <pre>{@code
 * try (Checkpoint ckpt = Checkpoint.open(dir, manager)) {
 *     NDArray w = ckpt.prefix("model.layers.0").get("mlp.fc1.weight", 10240, 2560);
 *     ckpt.requireAllUsed("Phi-2");
 * }
 * }</pre>
 *
 * <p>Tensor data is never read into the Java heap: each tensor is read from the file straight into
 * native memory that its array owns. BF16 and F16 become the float type asked for (float32 on
 * CPUs, float16 optionally on GPUs); matrices ({@link #getMatrix}) may stay in 16 bits.
 */
public final class Checkpoint implements Weights, AutoCloseable {

    /** The index file of sharded checkpoints. */
    public static final String INDEX_FILE = "model.safetensors.index.json";
    /** The file name of PyTorch ({@code torch.save}) checkpoints in Hugging Face folders. */
    public static final String TORCH_FILE = "pytorch_model.bin";
    /** The index file of sharded PyTorch checkpoints. */
    public static final String TORCH_INDEX_FILE = "pytorch_model.bin.index.json";

    private final String description;
    private final NDManager manager;
    private final DataType floatType;
    private final DataType matrixType;
    private final boolean placeholders;
    private final List<TensorFile> files;
    private final Map<String, Entry> entries;
    private final Set<String> used = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong handedOutBytes = new java.util.concurrent.atomic.AtomicLong();

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Checkpoint.class);

    private record Entry(TensorFile file, TensorInfo info) {}

    private Checkpoint(String description, NDManager manager, DataType floatType, DataType matrixType,
            boolean placeholders, List<? extends TensorFile> files) {
        this(description, manager, floatType, matrixType, placeholders, files, entriesOf(description, files));
    }

    private Checkpoint(String description, NDManager manager, DataType floatType, DataType matrixType,
            boolean placeholders, List<? extends TensorFile> files, Map<String, Entry> entries) {
        this.description = description;
        this.placeholders = placeholders;
        this.manager = manager;
        this.floatType = floatType;
        this.matrixType = matrixType;
        this.files = List.copyOf(files);
        this.entries = Collections.unmodifiableMap(entries);
    }

    private static Map<String, Entry> entriesOf(String description, List<? extends TensorFile> files) {
        Map<String, Entry> map = new TreeMap<>();
        for (TensorFile f : files) {
            for (TensorInfo t : f.tensors().values()) {
                Entry previous = map.put(t.name(), new Entry(f, t));
                if (previous != null) {
                    throw new SegEarthException("checkpoint " + description + ": tensor '" + t.name()
                            + "' is stored twice, in " + previous.file().path() + " and " + f.path());
                }
            }
        }
        return map;
    }

    /** Opens {@code path} with float32 weights. */
    public static Checkpoint open(Path path, NDManager manager) {
        return open(path, manager, DataType.FLOAT32);
    }

    /**
     * Opens {@code path}: a {@code .safetensors} file, a PyTorch zip file ({@code torch.save},
     * {@link TorchZipFile}), an index file, a key map ({@value KeyMap#FILE}, see {@link KeyMap}), or a folder holding
     * {@value KeyMap#FILE}, {@code model.safetensors.index.json}, {@code model.safetensors}, {@value #TORCH_INDEX_FILE}, {@value #TORCH_FILE} or exactly one {@code .safetensors} file.
     *
     * @param floatType {@link DataType#FLOAT32} or {@link DataType#FLOAT16}: what floating tensors become
     */
    public static Checkpoint open(Path path, NDManager manager, DataType floatType) {
        return open(path, manager, floatType, floatType);
    }

    /**
     * Like {@link #open(Path, NDManager, DataType)}; tensors read with {@link #getMatrix} that are
     * stored in 16 bits become {@code matrixType} (float16 keeps them at their stored size).
     */
    public static Checkpoint open(Path path, NDManager manager, DataType floatType, DataType matrixType) {
        return open(path, manager, floatType, matrixType, false);
    }

    /**
     * Opens {@code path} reading nothing but its headers: every tensor handed out is a
     * placeholder of the right shape and type that holds no memory (one zero, broadcast), so that
     * loaders can run against it to check every key and shape before any tensor data is read.
     * The placeholders are for construction only: their values are meaningless.
     */
    public static Checkpoint openHeaders(Path path, NDManager manager, DataType floatType, DataType matrixType) {
        return open(path, manager, floatType, matrixType, true);
    }

    private static Checkpoint open(Path path, NDManager manager, DataType floatType, DataType matrixType,
            boolean placeholders) {
        Engines.init();
        for (DataType t : new DataType[] {floatType, matrixType}) {
            if (t != DataType.FLOAT32 && t != DataType.FLOAT16) {
                throw new SegEarthException("weights load as float32 or float16, not " + t);
            }
        }
        Path file = resolve(path);
        if (isKeyMap(file)) {
            return openMapped(file, manager, floatType, matrixType, placeholders);
        }
        List<TensorFile> files = openFiles(file);
        try {
            return new Checkpoint(file.toString(), manager, floatType, matrixType, placeholders, files);
        } catch (RuntimeException e) {
            files.forEach(TensorFile::close);
            throw e;
        }
    }

    /**
     * The tensor headers of {@code path} (anything {@link #open} accepts), by key, without reading
     * tensor data and without the engine.
     */
    public static Map<String, TensorInfo> headers(Path path) {
        Path file = resolve(path);
        if (isKeyMap(file)) {
            List<TensorFile> opened = new ArrayList<>();
            try {
                Map<String, TensorInfo> out = new TreeMap<>();
                mappedEntries(file, opened::add).forEach((k, v) -> out.put(k, v.info()));
                return out;
            } finally {
                opened.forEach(TensorFile::close);
            }
        }
        List<TensorFile> files = openFiles(file);
        try {
            Map<String, TensorInfo> out = new TreeMap<>();
            entriesOf(file.toString(), files).forEach((k, v) -> out.put(k, v.info()));
            return out;
        } finally {
            files.forEach(TensorFile::close);
        }
    }

    /** Whether {@code file} (or the file a link points to) is a key map. */
    private static boolean isKeyMap(Path file) {
        try {
            return file.toRealPath().getFileName().toString().endsWith(".keymap.json");
        } catch (IOException e) {
            return false;
        }
    }

    /** The files of {@code file} (resolved): the shards of an index, or the one file. */
    private static List<TensorFile> openFiles(Path file) {
        if (file.getFileName().toString().endsWith(".index.json")) {
            return openShards(file);
        }
        return new ArrayList<>(List.of(openFile(file)));
    }

    /** A safetensors or a PyTorch zip ({@code torch.save}) file, told apart by their first bytes. */
    static TensorFile openFile(Path file) {
        return TorchZipFile.isZip(file) ? TorchZipFile.open(file) : SafetensorsFile.open(file);
    }

    private static Checkpoint openMapped(Path keyMapFile, NDManager manager, DataType floatType, DataType matrixType,
            boolean placeholders) {
        List<TensorFile> opened = new ArrayList<>();
        try {
            Map<String, Entry> entries = mappedEntries(keyMapFile, opened::add);
            return new Checkpoint(keyMapFile.toString(), manager, floatType, matrixType, placeholders, opened, entries);
        } catch (RuntimeException e) {
            opened.forEach(TensorFile::close);
            throw e;
        }
    }

    /**
     * The entries a key map exposes; the source's files are handed to {@code keep} (to be closed with
     * the checkpoint) or closed here when {@code keep} is a no-op.
     */
    private static Map<String, Entry> mappedEntries(Path keyMapFile, java.util.function.Consumer<TensorFile> keep) {
        KeyMap map = KeyMap.read(keyMapFile);
        Path real;
        try {
            real = keyMapFile.toRealPath();
        } catch (IOException e) {
            throw new SegEarthException("cannot read " + keyMapFile + ": " + e.getMessage(), e);
        }
        Path source = real.getParent().resolve(map.source());
        Path sourceFile = resolve(source);
        if (isKeyMap(sourceFile)) {
            throw new SegEarthException(keyMapFile + ": its source " + map.source() + " is another key map; "
                    + "a key map must name a checkpoint");
        }
        List<TensorFile> files = openFiles(sourceFile);
        boolean handedOver = false;
        try {
            Map<String, Entry> sourceEntries = entriesOf(sourceFile.toString(), files);
            Map<String, Entry> out = new TreeMap<>();
            map.tensors().forEach((key, s) -> {
                Entry e = sourceEntries.get(s.key());
                if (e == null) {
                    throw new SegEarthException(keyMapFile + ": '" + org.segearth.runtime.Messages.abbreviate(key, 120)
                            + "' reads '" + org.segearth.runtime.Messages.abbreviate(s.key(), 120) + "', which "
                            + sourceFile + " does not hold" + KeyDistance.nearest(s.key(), sourceEntries.keySet())
                                    .map(n -> "; nearest existing key: '" + n + "'").orElse(""));
                }
                out.put(key, new Entry(e.file(), KeyMap.map(keyMapFile, key, s, e.info())));
            });
            files.forEach(keep);
            handedOver = true;
            return out;
        } finally {
            if (!handedOver) {
                files.forEach(TensorFile::close);
            }
        }
    }

    private static Path resolve(Path path) {
        if (!Files.isDirectory(path)) {
            if (!Files.exists(path)) {
                throw new SegEarthException("checkpoint " + path + " does not exist");
            }
            return path;
        }
        for (String name : List.of(KeyMap.FILE, INDEX_FILE, "model.safetensors", TORCH_INDEX_FILE, TORCH_FILE)) {
            if (Files.exists(path.resolve(name))) {
                return path.resolve(name);
            }
        }
        List<Path> candidates;
        try (Stream<Path> s = Files.list(path)) {
            candidates = s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList();
        } catch (IOException e) {
            throw new SegEarthException("cannot list " + path + ": " + e.getMessage(), e);
        }
        if (candidates.size() != 1) {
            throw new SegEarthException("folder " + path + " holds " + candidates.size() + " .safetensors files "
                    + candidates + " and no " + INDEX_FILE + "; expected model.safetensors, " + TORCH_FILE + " or an index");
        }
        return candidates.get(0);
    }

    private static List<TensorFile> openShards(Path index) {
        JsonConfig json = JsonConfig.read(index);
        JsonConfig weightMap = json.object("weight_map");
        Map<String, String> keyToShard = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : weightMap.json().entrySet()) {
            if (!e.getValue().isJsonPrimitive() || !e.getValue().getAsJsonPrimitive().isString()) {
                throw weightMap.invalid(e.getKey(), "must name a shard file");
            }
            keyToShard.put(e.getKey(), e.getValue().getAsString());
        }
        List<TensorFile> shards = new ArrayList<>();
        try {
            for (String shard : new TreeSet<>(keyToShard.values())) {
                Path shardPath = index.toAbsolutePath().resolveSibling(shard).normalize();
                if (!shardPath.startsWith(index.toAbsolutePath().getParent().normalize())) {
                    throw new SegEarthException(index + ": shard '" + shard + "' lies outside the checkpoint folder");
                }
                shards.add(openFile(shardPath));
            }
            Map<String, Entry> entries = entriesOf(index.toString(), shards);
            for (Map.Entry<String, String> e : keyToShard.entrySet()) {
                Entry entry = entries.get(e.getKey());
                if (entry == null || !entry.file().path().getFileName().toString()
                        .equals(Path.of(e.getValue()).getFileName().toString())) {
                    throw new SegEarthException(index + ": weight_map puts '" + e.getKey() + "' in " + e.getValue()
                            + " but " + (entry == null ? "no shard holds it" : "it is in " + entry.file().path()));
                }
            }
            return shards;
        } catch (RuntimeException e) {
            shards.forEach(TensorFile::close);
            throw e;
        }
    }

    /** The files behind this checkpoint. */
    public List<TensorFile> files() {
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
        return load(e, floatType);
    }

    /**
     * Like {@link #get}, for a tensor that is only ever a matrix operand: floating tensors stored in
     * 16 bits stay in 16 bits (float16) when this checkpoint was opened with a 16-bit matrix type,
     * halving their memory; others become the float type.
     */
    @Override
    public NDArray getMatrix(String key, long... shape) {
        Entry e = entry(key);
        checkShape(key, e.info(), shape);
        used.add(key);
        boolean sixteen = e.info().dtype() == DType.F16 || e.info().dtype() == DType.BF16;
        return load(e, sixteen ? matrixType : floatType);
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

    /**
     * Bytes of the placeholders handed out so far by a headers-only checkpoint ({@link #openHeaders}):
     * what reading those tensors will allocate.
     */
    public long placeholderBytes() {
        return handedOutBytes.get();
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

    private NDArray load(Entry e, DataType floating) {
        TensorInfo info = e.info();
        DType source = info.dtype();
        DataType wanted = source == DType.F32 || source == DType.F16 || source == DType.BF16 ? floating
                : source.dataType();
        NDArray array;
        if (placeholders) {
            array = manager.zeros(new Shape(), wanted).broadcast(new Shape(info.shape()));
            handedOutBytes.addAndGet(info.numel() * wanted.getNumOfBytes());
        } else if (!manager.getDevice().isGpu()) {
            array = read(e, wanted, manager);
        } else {
            // direct views exist only for CPU tensors: read on the CPU, then move
            try (NDManager cpu = manager.newSubManager(ai.djl.Device.cpu())) {
                NDArray host = read(e, wanted, cpu);
                array = host.toDevice(manager.getDevice(), true);
                array.attach(manager);
            }
        }
        array.setName(info.name());
        return array;
    }

    /**
     * Reads a tensor into native memory that its array owns: an empty array of the wanted type is
     * allocated and the file's bytes are read straight into it, converted on the way where the
     * types differ (BF16, which DJL cannot create, and F16 become float32 or float16 here, in
     * Java, by chunks). No mapping of the file stays resident, no direct buffer of the JVM and no
     * temporary native array is used, so neither the page cache, {@code MaxDirectMemorySize} nor
     * the native heap's fragmentation counts the weights twice.
     */
    private NDArray read(Entry e, DataType wanted, NDManager into) {
        TensorInfo info = e.info();
        long bytes = Math.max(info.byteLength(), info.numel() * wanted.getNumOfBytes());
        if (bytes > Integer.MAX_VALUE) {
            // a direct view of an array's memory is limited to 2 GiB
            throw new SegEarthException(e.file().path() + ": tensor '" + info.name() + "' holds " + bytes
                    + " bytes; a single tensor over 2 GiB is not supported");
        }
        NDArray array = into.create(new Shape(info.shape()), wanted);
        try {
            if (info.numel() == 0) {
                return array;
            }
            ByteBuffer view = array.toByteBuffer(true).order(ByteOrder.nativeOrder());
            if (info.dtype().dataType() == wanted) {
                e.file().read(info, 0, view);
                return array;
            }
            long overflows = convert(e, view, wanted);
            if (overflows == 0) {
                return array;
            }
            LOG.warn("{}: {} values of '{}' lie outside float16's range; the tensor is kept as float32", description,
                    overflows, info.name());
            array.close();
            return read(e, DataType.FLOAT32, into);
        } catch (RuntimeException ex) {
            array.close();
            throw ex;
        }
    }

    /** Bytes read per step when converting. */
    private static final int CHUNK_BYTES = 1 << 22;

    /**
     * Reads a floating tensor by chunks into {@code out} (float32 or float16), converting each
     * value; returns how many values overflowed float16 (became infinite), 0 for float32.
     */
    private static long convert(Entry e, ByteBuffer out, DataType wanted) {
        TensorInfo info = e.info();
        DType source = info.dtype();
        if (source != DType.BF16 && source != DType.F16 && source != DType.F32) {
            throw new IllegalStateException(source + " tensors are not converted");
        }
        java.nio.IntBuffer f32 = wanted == DataType.FLOAT32 ? out.asIntBuffer() : null;
        ShortBuffer f16 = wanted == DataType.FLOAT16 ? out.asShortBuffer() : null;
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK_BYTES, info.byteLength()))
                .order(ByteOrder.LITTLE_ENDIAN);
        long done = 0;
        long overflows = 0;
        int index = 0;
        while (done < info.byteLength()) {
            chunk.clear();
            chunk.limit((int) Math.min(chunk.capacity(), info.byteLength() - done));
            e.file().read(info, done, chunk);
            chunk.flip();
            int n = chunk.remaining() / source.bytes();
            for (int i = 0; i < n; i++, index++) {
                int single = switch (source) {
                    case BF16 -> (chunk.getShort(2 * i) & 0xFFFF) << 16;
                    case F16 -> HalfFloats.toFloatBits(chunk.getShort(2 * i));
                    default -> chunk.getInt(4 * i);
                };
                if (f32 != null) {
                    f32.put(index, single);
                } else {
                    short half = HalfFloats.fromFloatBits(single);
                    if ((half & 0x7FFF) == 0x7C00 && (single & 0x7FFFFFFF) != 0x7F800000) {
                        overflows++;
                    }
                    f16.put(index, half);
                }
            }
            done += chunk.limit();
        }
        return overflows;
    }

    @Override
    public void close() {
        files.forEach(TensorFile::close);
    }

    @Override
    public String toString() {
        return "Checkpoint[" + description + ", " + entries.size() + " tensors]";
    }
}
