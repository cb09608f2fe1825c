package org.segearth.runtime.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Messages;
import org.segearth.runtime.data.SafePickle;

/**
 * A PyTorch checkpoint in the zip format {@code torch.save} writes ({@code pytorch_model.bin}):
 * {@code <archive>/data.pkl}, the pickled state dict, and one zip entry {@code <archive>/data/<key>}
 * per storage. The pickle is read by {@link SafePickle} with only what a state dict needs: the
 * persistent ids of storages ({@code ('storage', torch.FloatStorage, key, location, numel)}),
 * {@code torch._utils._rebuild_tensor_v2} (and {@code _rebuild_parameter}),
 * {@code collections.OrderedDict} and the storage types {@code torch.FloatStorage},
 * {@code HalfStorage}, {@code BFloat16Storage}, {@code DoubleStorage}, {@code LongStorage},
 * {@code IntStorage}, {@code ByteStorage}, {@code BoolStorage}. Any other Python name is refused,
 * so reading a hostile file runs nothing.
 *
 * <p>Storages must be stored uncompressed (as {@code torch.save} writes them): a tensor is then a
 * byte range of the zip file, read straight into its array as safetensors tensors are. Views are
 * honoured through their storage offset; a non-contiguous view (strides other than the row-major
 * ones of its shape) is refused with its name. The central directory, zip64 records, the local
 * headers and every range are validated; a damaged file fails with a one-line
 * {@link SegEarthException}.
 */
public final class TorchZipFile implements TensorFile {

    /** The largest {@code data.pkl} read (real state dicts take a few MB). */
    static final long MAX_PICKLE_BYTES = 64L << 20;
    /** The most zip entries accepted. */
    static final int MAX_ENTRIES = 1 << 20;

    private final Path path;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;

    private TorchZipFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors) {
        this.path = path;
        this.channel = channel;
        this.tensors = tensors;
    }

    /** Whether {@code file} starts like a zip file (a local file header). */
    public static boolean isZip(Path file) {
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && c.read(b) > 0) {
                // fill
            }
            return b.position() == 4 && b.getInt(0) == 0x04034b50;
        } catch (IOException e) {
            return false;
        }
    }

    /** Opens and validates {@code path}. */
    public static TorchZipFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SegEarthException("PyTorch checkpoint " + path + " does not exist");
        } catch (IOException e) {
            throw new SegEarthException("cannot open PyTorch checkpoint " + path + ": " + e.getMessage(), e);
        }
        try {
            return new TorchZipFile(path, channel, parse(path, channel));
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new SegEarthException("cannot read PyTorch checkpoint " + path + ": " + e.getMessage(), e);
        }
    }

    // ---- zip ----

    /** One central directory entry. */
    private record ZipEntry(String name, int method, long compressedSize, long size, long localHeader) {}

    private static Map<String, TensorInfo> parse(Path path, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        Map<String, ZipEntry> entries = centralDirectory(path, channel, fileSize);
        String pickleName = null;
        for (String name : entries.keySet()) {
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                if (pickleName != null) {
                    throw new SegEarthException(path + ": two data.pkl entries (" + printable(pickleName) + ", " + printable(name)
                            + "); not a torch.save checkpoint");
                }
                pickleName = name;
            }
        }
        if (pickleName == null) {
            throw new SegEarthException(path + " is a zip file without <archive>/data.pkl; not a torch.save checkpoint");
        }
        String prefix = pickleName.substring(0, pickleName.length() - "data.pkl".length());
        ZipEntry order = entries.get(prefix + "byteorder");
        if (order != null) {
            String text = new String(entryBytes(path, channel, order, fileSize, 16), StandardCharsets.US_ASCII).strip();
            if (!text.equals("little")) {
                throw new SegEarthException(path + ": byteorder is '" + Messages.abbreviate(Messages.printable(text), 20)
                        + "'; only little-endian checkpoints are read");
            }
        }
        byte[] pickle = entryBytes(path, channel, entries.get(pickleName), fileSize, MAX_PICKLE_BYTES);
        Unpickler unpickler = new Unpickler(path, channel, entries, prefix, fileSize);
        Object root = SafePickle.read(pickle, path + "!" + printable(pickleName), unpickler);
        if (!(root instanceof Map<?, ?> map)) {
            throw new SegEarthException(path + ": data.pkl holds a " + describe(root) + ", not a state dict of tensors");
        }
        Map<String, TensorInfo> out = new TreeMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new SegEarthException(path + ": the state dict has a key that is not a string ("
                        + describe(e.getKey()) + ")");
            }
            if (!(e.getValue() instanceof TensorRef t)) {
                throw new SegEarthException(path + ": state dict entry '" + Messages.abbreviate(Messages.printable(key), 120)
                        + "' is a " + describe(e.getValue()) + ", not a tensor; only flat state dicts of tensors are read");
            }
            out.put(key, unpickler.tensorInfo(key, t));
        }
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, ZipEntry> centralDirectory(Path path, FileChannel channel, long fileSize)
            throws IOException {
        int tail = (int) Math.min(fileSize, 22 + 0xFFFF);
        if (tail < 22) {
            throw new SegEarthException(path + " is truncated: " + fileSize + " bytes, shorter than a zip directory");
        }
        ByteBuffer end = read(channel, fileSize - tail, tail);
        int at = -1;
        for (int i = tail - 22; i >= 0; i--) {
            if (end.getInt(i) == 0x06054b50) {
                at = i;
                break;
            }
        }
        if (at < 0) {
            throw new SegEarthException(path + " has no zip end-of-directory record; the file is truncated or not a zip file");
        }
        long count = end.getShort(at + 10) & 0xFFFF;
        long cdSize = end.getInt(at + 12) & 0xFFFFFFFFL;
        long cdOffset = end.getInt(at + 16) & 0xFFFFFFFFL;
        long endOffset = fileSize - tail + at;
        if ((count == 0xFFFF || cdSize == 0xFFFFFFFFL || cdOffset == 0xFFFFFFFFL) && endOffset >= 20) {
            ByteBuffer locator = read(channel, endOffset - 20, 20);
            if (locator.getInt(0) == 0x07064b50) {
                long zip64End = locator.getLong(8);
                if (zip64End < 0 || zip64End > endOffset - 56) {
                    throw new SegEarthException(path + ": the zip64 directory record lies outside the file");
                }
                ByteBuffer z = read(channel, zip64End, 56);
                if (z.getInt(0) != 0x06064b50) {
                    throw new SegEarthException(path + ": the zip64 locator does not point at a zip64 directory record");
                }
                count = z.getLong(32);
                cdSize = z.getLong(40);
                cdOffset = z.getLong(48);
            }
        }
        if (count < 0 || count > MAX_ENTRIES) {
            throw new SegEarthException(path + ": the zip directory claims " + Long.toUnsignedString(count)
                    + " entries (limit " + MAX_ENTRIES + ")");
        }
        if (cdOffset < 0 || cdSize < 0 || cdSize > Integer.MAX_VALUE || cdOffset > endOffset - cdSize) {
            throw new SegEarthException(path + ": the zip directory (offset " + Long.toUnsignedString(cdOffset)
                    + ", " + Long.toUnsignedString(cdSize) + " bytes) lies outside the file; it is truncated or corrupt");
        }
        ByteBuffer cd = read(channel, cdOffset, (int) cdSize);
        Map<String, ZipEntry> entries = new LinkedHashMap<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p + 46 > cd.limit() || cd.getInt(p) != 0x02014b50) {
                throw new SegEarthException(path + ": zip directory entry " + i + " is damaged");
            }
            int method = cd.getShort(p + 10) & 0xFFFF;
            long compressed = cd.getInt(p + 20) & 0xFFFFFFFFL;
            long size = cd.getInt(p + 24) & 0xFFFFFFFFL;
            int nameLength = cd.getShort(p + 28) & 0xFFFF;
            int extraLength = cd.getShort(p + 30) & 0xFFFF;
            int commentLength = cd.getShort(p + 32) & 0xFFFF;
            long local = cd.getInt(p + 42) & 0xFFFFFFFFL;
            if (p + 46L + nameLength + extraLength + commentLength > cd.limit()) {
                throw new SegEarthException(path + ": zip directory entry " + i + " reaches past the directory");
            }
            byte[] nameBytes = new byte[nameLength];
            cd.get(p + 46, nameBytes);
            String name = new String(nameBytes, StandardCharsets.UTF_8);
            // zip64 extra field: the sizes and offset that did not fit, in this order
            int e = p + 46 + nameLength;
            int extraEnd = e + extraLength;
            while (e + 4 <= extraEnd) {
                int id = cd.getShort(e) & 0xFFFF;
                int len = cd.getShort(e + 2) & 0xFFFF;
                if (e + 4 + len > extraEnd) {
                    break;
                }
                if (id == 0x0001) {
                    int q = e + 4;
                    if (size == 0xFFFFFFFFL && q + 8 <= e + 4 + len) {
                        size = cd.getLong(q);
                        q += 8;
                    }
                    if (compressed == 0xFFFFFFFFL && q + 8 <= e + 4 + len) {
                        compressed = cd.getLong(q);
                        q += 8;
                    }
                    if (local == 0xFFFFFFFFL && q + 8 <= e + 4 + len) {
                        local = cd.getLong(q);
                    }
                }
                e += 4 + len;
            }
            if (entries.put(name, new ZipEntry(name, method, compressed, size, local)) != null) {
                throw new SegEarthException(path + ": zip entry '" + Messages.abbreviate(Messages.printable(name), 120)
                        + "' appears twice");
            }
            p += 46 + nameLength + extraLength + commentLength;
        }
        return entries;
    }

    /** File offset of an entry's data, from its local header, checked to lie inside the file. */
    private static long dataStart(Path path, FileChannel channel, ZipEntry entry, long fileSize) throws IOException {
        if (entry.localHeader() < 0 || entry.localHeader() > fileSize - 30) {
            throw new SegEarthException(path + ": zip entry '" + printable(entry.name()) + "' starts outside the file");
        }
        ByteBuffer h = read(channel, entry.localHeader(), 30);
        if (h.getInt(0) != 0x04034b50) {
            throw new SegEarthException(path + ": zip entry '" + printable(entry.name()) + "' has no local header");
        }
        long start = entry.localHeader() + 30 + (h.getShort(26) & 0xFFFF) + (h.getShort(28) & 0xFFFF);
        if (entry.compressedSize() < 0 || start > fileSize || entry.compressedSize() > fileSize - start) {
            throw new SegEarthException(path + ": zip entry '" + printable(entry.name()) + "' ("
                    + Long.toUnsignedString(entry.compressedSize()) + " bytes) reaches past the end of the file;"
                    + " the file is truncated");
        }
        return start;
    }

    /** An entry's bytes (stored or deflated), at most {@code limit}. */
    private static byte[] entryBytes(Path path, FileChannel channel, ZipEntry entry, long fileSize, long limit)
            throws IOException {
        if (entry.size() < 0 || entry.size() > limit) {
            throw new SegEarthException(path + ": zip entry '" + printable(entry.name()) + "' holds "
                    + Long.toUnsignedString(entry.size()) + " bytes (limit " + limit + ")");
        }
        long start = dataStart(path, channel, entry, fileSize);
        if (entry.method() == 0) {
            if (entry.compressedSize() != entry.size()) {
                throw new SegEarthException(path + ": stored zip entry '" + printable(entry.name()) + "' has sizes "
                        + entry.compressedSize() + " and " + entry.size());
            }
            ByteBuffer b = read(channel, start, (int) entry.size());
            byte[] out = new byte[(int) entry.size()];
            b.get(0, out);
            return out;
        }
        if (entry.method() != 8 || entry.compressedSize() > Integer.MAX_VALUE) {
            throw new SegEarthException(path + ": zip entry '" + printable(entry.name()) + "' uses compression method "
                    + entry.method() + "; only stored and deflated entries are read");
        }
        ByteBuffer in = read(channel, start, (int) entry.compressedSize());
        byte[] compressed = new byte[in.limit()];
        in.get(0, compressed);
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(compressed);
            byte[] out = new byte[(int) entry.size()];
            int n = 0;
            while (n < out.length && !inflater.finished()) {
                int k = inflater.inflate(out, n, out.length - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n != out.length) {
                throw new SegEarthException(path + ": zip entry '" + printable(entry.name()) + "' inflates to " + n
                        + " bytes, not the " + out.length + " its header says; the file is damaged");
            }
            return out;
        } catch (DataFormatException e) {
            throw new SegEarthException(path + ": zip entry '" + printable(entry.name()) + "' is not valid deflate data");
        } finally {
            inflater.end();
        }
    }

    // ---- pickle ----

    /** A Python name the unpickler allows. */
    private record Global(String name) {}

    /** A storage: its dtype, zip entry and element count. */
    private record StorageRef(DType dtype, String key, long numel) {}

    /** A tensor: a view of a storage. */
    private record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {}

    /** The storage types read, with their dtypes. */
    private static final Map<String, DType> STORAGE_TYPES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64, "LongStorage", DType.I64, "IntStorage", DType.I32,
            "ByteStorage", DType.U8, "BoolStorage", DType.BOOL);

    private static final class Unpickler implements SafePickle.Extension {
        private final Path path;
        private final FileChannel channel;
        private final Map<String, ZipEntry> entries;
        private final String prefix;
        private final long fileSize;
        private final Map<String, long[]> storages = new LinkedHashMap<>(); // key -> {data start, bytes}

        Unpickler(Path path, FileChannel channel, Map<String, ZipEntry> entries, String prefix, long fileSize) {
            this.path = path;
            this.channel = channel;
            this.entries = entries;
            this.prefix = prefix;
            this.fileSize = fileSize;
        }

        @Override
        public Object global(String module, String name) {
            String full = module + "." + name;
            boolean allowed = switch (module) {
                case "torch._utils" -> name.equals("_rebuild_tensor_v2") || name.equals("_rebuild_parameter");
                case "collections" -> name.equals("OrderedDict");
                case "torch" -> STORAGE_TYPES.containsKey(name);
                default -> false;
            };
            if (!allowed && module.equals("torch") && name.endsWith("Storage")) {
                throw new SegEarthException(path + ": data.pkl holds a " + Messages.abbreviate(Messages.printable(full), 60)
                        + ", a storage type that is not read; supported: " + new java.util.TreeSet<>(STORAGE_TYPES.keySet()));
            }
            if (!allowed) {
                throw new SegEarthException(path + ": data.pkl asks for the Python name '"
                        + Messages.abbreviate(Messages.printable(full), 80) + "', which is refused: only"
                        + " torch._utils._rebuild_tensor_v2, collections.OrderedDict and torch storage types are read");
            }
            return new Global(full);
        }

        @Override
        public Object reduce(Object callable, List<Object> args) {
            if (!(callable instanceof Global g)) {
                throw new SegEarthException(path + ": data.pkl calls a " + describe(callable) + "; only allowed names are called");
            }
            switch (g.name()) {
                case "collections.OrderedDict" -> {
                    if (!args.isEmpty()) {
                        throw new SegEarthException(path + ": data.pkl calls collections.OrderedDict with arguments");
                    }
                    return new LinkedHashMap<Object, Object>();
                }
                case "torch._utils._rebuild_tensor_v2" -> {
                    if (args.size() < 4 || !(args.get(0) instanceof StorageRef s)) {
                        throw new SegEarthException(path + ": _rebuild_tensor_v2 needs (storage, offset, size, stride, ...),"
                                + " got " + args.size() + " arguments");
                    }
                    return new TensorRef(s, number(args.get(1), "storage offset"), longs(args.get(2), "size"),
                            longs(args.get(3), "stride"));
                }
                case "torch._utils._rebuild_parameter" -> {
                    if (args.isEmpty() || !(args.get(0) instanceof TensorRef t)) {
                        throw new SegEarthException(path + ": _rebuild_parameter needs a tensor");
                    }
                    return t;
                }
                default -> throw new SegEarthException(path + ": data.pkl calls " + printable(g.name()) + ", which is not callable");
            }
        }

        @Override
        public Object build(Object object, Object state) {
            // OrderedDict.__reduce__ passes the state dict's attributes (_metadata: versions per module)
            if (object instanceof LinkedHashMap<?, ?> && (state == null || state instanceof Map<?, ?>)) {
                return object;
            }
            throw new SegEarthException(path + ": data.pkl sets state on a " + describe(object)
                    + "; only a state dict's own attributes are accepted");
        }

        @Override
        public Object persistentLoad(Object pid) {
            if (!(pid instanceof List<?> t) || t.size() != 5 || !"storage".equals(t.get(0))
                    || !(t.get(1) instanceof Global type) || !(t.get(2) instanceof String key)) {
                throw new SegEarthException(path + ": data.pkl has a persistent id that is not"
                        + " ('storage', type, key, location, numel)");
            }
            DType dtype = type.name().startsWith("torch.") ? STORAGE_TYPES.get(type.name().substring(6)) : null;
            if (dtype == null) {
                throw new SegEarthException(path + ": a storage's type is " + printable(type.name()) + ", not a torch storage type");
            }
            long numel = number(t.get(4), "storage size");
            long[] range = storages.get(key);
            if (range == null) {
                ZipEntry entry = entries.get(prefix + "data/" + key);
                if (entry == null) {
                    throw new SegEarthException(path + ": storage '" + Messages.abbreviate(Messages.printable(key), 60)
                            + "' has no zip entry " + printable(prefix) + "data/" + Messages.abbreviate(Messages.printable(key), 60));
                }
                if (entry.method() != 0 || entry.compressedSize() != entry.size()) {
                    throw new SegEarthException(path + ": storage entry '" + printable(entry.name()) + "' is compressed"
                            + " (method " + entry.method() + "); torch.save stores tensors uncompressed: re-save it with torch.save");
                }
                try {
                    range = new long[] {dataStart(path, channel, entry, fileSize), entry.size()};
                } catch (IOException e) {
                    throw new SegEarthException("cannot read PyTorch checkpoint " + path + ": " + e.getMessage(), e);
                }
                storages.put(key, range);
            }
            long bytes;
            try {
                bytes = Math.multiplyExact(numel, dtype.bytes());
            } catch (ArithmeticException e) {
                bytes = Long.MAX_VALUE;
            }
            if (bytes > range[1]) {
                throw new SegEarthException(path + ": storage '" + Messages.abbreviate(Messages.printable(key), 60)
                        + "' claims " + numel + " x " + dtype + " elements but its entry holds " + range[1] + " bytes");
            }
            return new StorageRef(dtype, key, numel);
        }

        /** The byte range of a tensor within the file, checked against its storage. */
        TensorInfo tensorInfo(String name, TensorRef t) {
            String where = path + ": tensor '" + Messages.abbreviate(Messages.printable(name), 120) + "'";
            if (t.size().length != t.stride().length) {
                throw new SegEarthException(where + " has " + t.size().length + " sizes but " + t.stride().length + " strides");
            }
            long numel = 1;
            try {
                for (long d : t.size()) {
                    numel = Math.multiplyExact(numel, d);
                }
                long expected = 1;
                for (int i = t.size().length - 1; i >= 0; i--) {
                    if (t.size()[i] != 1 && t.stride()[i] != expected && numel > 0) {
                        throw new SegEarthException(where + " is a non-contiguous view (shape " + Arrays.toString(t.size())
                                + ", stride " + Arrays.toString(t.stride()) + "); save it made contiguous (.contiguous())");
                    }
                    expected = Math.multiplyExact(expected, t.size()[i]);
                }
                long end = Math.addExact(t.offset(), numel);
                if (end > t.storage().numel()) {
                    throw new SegEarthException(where + " reads elements " + t.offset() + ".." + end + " of a storage of "
                            + t.storage().numel() + "; the file is damaged");
                }
                long[] range = storages.get(t.storage().key());
                int bytes = t.storage().dtype().bytes();
                long begin = range[0] + t.offset() * bytes;
                return new TensorInfo(name, t.storage().dtype(), t.size(), begin, begin + numel * bytes);
            } catch (ArithmeticException e) {
                throw new SegEarthException(where + ": shape " + Arrays.toString(t.size()) + " overflows");
            }
        }

        private long number(Object o, String what) {
            if (!(o instanceof Long v) || v < 0) {
                throw new SegEarthException(path + ": data.pkl gives a " + what + " of " + describe(o)
                        + "; expected a non-negative integer");
            }
            return v;
        }

        private long[] longs(Object o, String what) {
            if (!(o instanceof List<?> list) || list.size() > 64) {
                throw new SegEarthException(path + ": data.pkl gives a tensor " + what + " that is not a tuple of at most 64 integers");
            }
            long[] out = new long[list.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = number(list.get(i), what);
            }
            return out;
        }
    }

    private static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Global g) {
            return "Python name " + printable(g.name());
        }
        if (o instanceof TensorRef) {
            return "tensor";
        }
        if (o instanceof StorageRef) {
            return "storage";
        }
        if (o instanceof Map<?, ?>) {
            return "dict";
        }
        if (o instanceof List<?>) {
            return "list or tuple";
        }
        return o.getClass().getSimpleName();
    }

    private static String printable(String name) {
        return Messages.abbreviate(Messages.printable(name), 120);
    }

    private static ByteBuffer read(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        long pos = position;
        while (b.hasRemaining()) {
            int n = channel.read(b, pos);
            if (n < 0) {
                throw new IOException("unexpected end of file at " + pos);
            }
            pos += n;
        }
        return b.flip();
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public Map<String, String> metadata() {
        return Map.of();
    }

    @Override
    public void read(TensorInfo tensor, long offset, ByteBuffer into) {
        long length = into.remaining();
        if (offset < 0 || offset + length > tensor.byteLength()) {
            throw new IllegalArgumentException("bytes " + offset + ".." + (offset + length) + " outside tensor '"
                    + tensor.name() + "' of " + tensor.byteLength() + " bytes");
        }
        long pos = tensor.begin() + offset;
        try {
            while (into.hasRemaining()) {
                int n = channel.read(into, pos);
                if (n < 0) {
                    throw new IOException("unexpected end of file at " + pos);
                }
                pos += n;
            }
        } catch (IOException e) {
            throw new SegEarthException("cannot read tensor '" + tensor.name() + "' of " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to recover
        }
    }
}
