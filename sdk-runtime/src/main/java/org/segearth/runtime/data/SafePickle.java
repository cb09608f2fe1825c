package org.segearth.runtime.data;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Messages;

/**
 * A Python pickle reader for plain data only: protocols 0 to 5 with dicts, lists, tuples, sets,
 * strings, bytes, integers, floats, booleans and {@code None}. Every opcode that would look up a
 * Python name or call one ({@code GLOBAL}, {@code STACK_GLOBAL}, {@code REDUCE}, {@code BUILD},
 * {@code INST}, {@code OBJ}, {@code NEWOBJ}, {@code NEWOBJ_EX}, extension codes, persistent ids,
 * out-of-band buffers) is refused, so reading a hostile file cannot run code.
 *
 * <p>Values become Java objects: dict = {@code LinkedHashMap<Object, Object>}, list =
 * {@code ArrayList<Object>}, tuple = unmodifiable {@code List<Object>}, set = {@code Set<Object>},
 * str = {@code String}, Python 2 str = {@code String} (UTF-8, else Latin-1), bytes =
 * {@code byte[]}, int = {@code Long} (or {@code BigInteger} when it does not fit), float =
 * {@code Double}, bool = {@code Boolean}, None = {@code null}.
 *
 * <p>Hostile files are refused with a {@link SegEarthException} rather than exhausting the stack,
 * the heap or the CPU: dict keys and set members must be hashable as in Python (no lists, dicts or
 * sets, also not inside a tuple) and small ({@value #MAX_KEY_VALUES} values at most); the value
 * read may nest at most {@value #MAX_DEPTH} containers deep, may not contain itself, and counted
 * as a tree (a shared sub-structure counts every time it is used) holds at most
 * {@value #MIN_MAX_VALUES} values or 4 per byte of the file, whichever is more; integers written
 * as text have at most {@value #MAX_INT_DIGITS} digits (Python's own limit).
 *
 * <pre>{@code
 * Object refs = SafePickle.read(Path.of("rrsisd/refs(unc).p"));   // a List of Maps
 * }</pre>
 */
public final class SafePickle {

    /** The deepest nesting of containers accepted. */
    public static final int MAX_DEPTH = 256;
    /** The most values (counted as a tree) a dict key or set member may hold. */
    public static final int MAX_KEY_VALUES = 10_000;
    /** The tree size always accepted; larger files may hold 4 values per byte. */
    public static final long MIN_MAX_VALUES = 1L << 20;
    /** The most digits of an integer written as text (Python's {@code sys.int_info.default_max_str_digits}). */
    public static final int MAX_INT_DIGITS = 4300;

    /** Size (as a tree) and nesting depth of a hashable tuple or frozenset. */
    private record KeyShape(long values, int depth) {}

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    /**
     * What a reader that is more than plain data lets through: the few Python names a format needs
     * (e.g. {@code torch.save}'s {@code _rebuild_tensor_v2}), looked up and called by the
     * extension, never by Python. Each method returns the value pushed, or throws a
     * {@link SegEarthException} to refuse.
     */
    public interface Extension {
        /** {@code GLOBAL}/{@code STACK_GLOBAL}: the object standing for {@code module.name}. */
        Object global(String module, String name);

        /** {@code REDUCE}: {@code callable(*args)}, the callable being a value {@link #global} returned. */
        Object reduce(Object callable, List<Object> args);

        /** {@code BUILD}: sets {@code state} on {@code object}; returns the object that replaces it. */
        Object build(Object object, Object state);

        /** {@code BINPERSID}: the object a persistent id stands for. */
        Object persistentLoad(Object pid);
    }

    private final String source;
    private final byte[] data;
    private final Extension extension;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    /** The tuples and frozensets read so far that Python could hash, with their shape. */
    private final Map<Object, KeyShape> hashable = new IdentityHashMap<>();

    private SafePickle(String source, byte[] data, Extension extension) {
        this.source = source;
        this.data = data;
        this.extension = extension;
    }

    /** Reads the pickle in {@code file}. */
    public static Object read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new SegEarthException("cannot read pickle " + file + ": " + e.getMessage(), e);
        }
        return read(bytes, file.toString());
    }

    /** Reads a pickle held in memory; {@code source} names it in error messages. */
    public static Object read(byte[] bytes, String source) {
        return read(bytes, source, null);
    }

    /**
     * Reads a pickle held in memory, letting {@code extension} (null: none) resolve and call the
     * names it allows; every other name, and every opcode the extension does not cover, is refused.
     */
    public static Object read(byte[] bytes, String source, Extension extension) {
        SafePickle reader = new SafePickle(source, bytes, extension);
        Object value;
        try {
            value = reader.run();
        } catch (SegEarthException e) {
            throw e;
        } catch (RuntimeException e) {
            throw reader.error("is malformed (" + abbreviate(String.valueOf(e)) + ")");
        }
        reader.checkShape(value);
        return value;
    }

    private Object run() {
        while (true) {
            if (pos >= data.length) {
                throw error("ends without a STOP opcode");
            }
            int at = pos;
            int op = data[pos++] & 0xff;
            switch (op) {
                case 0x80 -> { // PROTO
                    int proto = u8();
                    if (proto > 5) {
                        throw error("uses pickle protocol " + proto + "; protocols 0 to 5 are supported");
                    }
                }
                case 0x95 -> need(8).skip(8); // FRAME: the frame length is only a hint
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw error("stops with " + stack.size() + " values on the stack; expected 1");
                    }
                    return stack.get(0);
                }
                case '(' -> stack.add(MARK);
                case '0' -> pop();
                case '1' -> popMark();
                case '2' -> push(peek());
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'I' -> push(parseIntLine(line()));
                case 'J' -> push((long) buffer(4).getInt());
                case 'K' -> push((long) u8());
                case 'M' -> push((long) (buffer(2).getShort() & 0xffff));
                case 'L' -> push(parseLongLine(line()));
                case 0x8a -> push(littleEndian(bytes(u8())));
                case 0x8b -> push(littleEndian(bytes(length(buffer(4).getInt() & 0xffffffffL))));
                case 'F' -> push(parseFloat(line()));
                case 'G' -> push(ByteBuffer.wrap(bytes(8)).order(ByteOrder.BIG_ENDIAN).getDouble());
                case 'S' -> push(decodeText(unquote(line())));
                case 'T' -> push(decodeText(bytes(length(buffer(4).getInt()))));
                case 'U' -> push(decodeText(bytes(u8())));
                case 'V' -> push(rawUnicodeEscape(line()));
                case 'X' -> push(utf8(bytes(length(buffer(4).getInt() & 0xffffffffL))));
                case 0x8c -> push(utf8(bytes(u8())));
                case 0x8d -> push(utf8(bytes(length(buffer(8).getLong()))));
                case 'B' -> push(bytes(length(buffer(4).getInt() & 0xffffffffL)));
                case 'C' -> push(bytes(u8()));
                case 0x8e, 0x96 -> push(bytes(length(buffer(8).getLong())));
                case ']' -> push(new ArrayList<>());
                case 'l' -> push(new ArrayList<>(popMark()));
                case 'a' -> {
                    Object v = pop();
                    list(peek(), "APPEND").add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(peek(), "APPENDS").addAll(items);
                }
                case ')' -> push(tuple(List.of()));
                case 't' -> push(tuple(popMark()));
                case 0x85 -> push(tuple(List.of(wrapNull(pop()))));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(tuple(Arrays.asList(a, b)));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(tuple(Arrays.asList(a, b, c)));
                }
                case '}' -> push(new LinkedHashMap<>());
                case 'd' -> push(toDict(new LinkedHashMap<>(), popMark(), "DICT"));
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    dict(peek(), "SETITEM").put(key(k, "SETITEM"), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    toDict(dict(peek(), "SETITEMS"), items, "SETITEMS");
                }
                case 0x8f -> push(new LinkedHashSet<>());
                case 0x90 -> {
                    List<Object> items = popMark();
                    Set<Object> target = set(peek());
                    for (Object item : items) {
                        target.add(key(item, "ADDITEMS"));
                    }
                }
                case 0x91 -> push(frozenset(popMark()));
                case 'p' -> memo.put(parseIndex(line()), peek());
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put(buffer(4).getInt() & 0xffffffffL, peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'g' -> push(memoGet(parseIndex(line())));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(buffer(4).getInt() & 0xffffffffL));
                case 'c' -> {
                    requireExtension(op, at);
                    String module = line();
                    push(extension.global(module, line()));
                }
                case 0x93 -> {
                    requireExtension(op, at);
                    Object name = pop();
                    Object module = pop();
                    if (!(module instanceof String m) || !(name instanceof String n)) {
                        throw error("STACK_GLOBAL with a " + typeName(module) + " and a " + typeName(name)
                                + "; expected two strings");
                    }
                    push(extension.global(m, n));
                }
                case 'R' -> {
                    requireExtension(op, at);
                    Object args = pop();
                    Object callable = pop();
                    if (!(args instanceof List<?> a) || args instanceof ArrayList<?>) {
                        throw error("REDUCE with a " + typeName(args) + " for arguments; expected a tuple");
                    }
                    @SuppressWarnings("unchecked")
                    List<Object> list = (List<Object>) a;
                    push(extension.reduce(callable, list));
                }
                case 'b' -> {
                    requireExtension(op, at);
                    Object state = pop();
                    Object object = pop();
                    push(extension.build(object, state));
                }
                case 'Q' -> {
                    requireExtension(op, at);
                    push(extension.persistentLoad(pop()));
                }
                case 'i', 'o', 0x81, 0x92, 0x82, 0x83, 0x84, 'P', 0x97, 0x98 -> throw refused(op, at);
                default -> throw new SegEarthException("pickle " + source + ": unknown opcode 0x"
                        + Integer.toHexString(op) + " at byte " + at + "; is this a pickle file?");
            }
        }
    }

    private void requireExtension(int op, int at) {
        if (extension == null) {
            throw refused(op, at);
        }
    }

    private SegEarthException refused(int op, int at) {
        String name = switch (op) {
            case 'c' -> "GLOBAL";
            case 0x93 -> "STACK_GLOBAL";
            case 'R' -> "REDUCE";
            case 'b' -> "BUILD";
            case 'i' -> "INST";
            case 'o' -> "OBJ";
            case 0x81 -> "NEWOBJ";
            case 0x92 -> "NEWOBJ_EX";
            case 0x82, 0x83, 0x84 -> "EXT";
            case 'P', 'Q' -> "PERSID";
            default -> "out-of-band buffer";
        };
        return new SegEarthException("pickle " + source + ": opcode " + name + " (0x" + Integer.toHexString(op)
                + ") at byte " + at + " is refused: it would import or call Python code; only plain data "
                + "(dicts, lists, tuples, strings, numbers) is read. Re-save the file with plain Python types.");
    }

    private SegEarthException error(String what) {
        return new SegEarthException("pickle " + source + " at byte " + pos + ": " + what);
    }

    // ---- stack ----

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw error("pops from an empty stack");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw error("reads from an empty stack");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() {
        int i = stack.size() - 1;
        while (i >= 0 && stack.get(i) != MARK) {
            i--;
        }
        if (i < 0) {
            throw error("has no MARK to pop to");
        }
        List<Object> items = new ArrayList<>(stack.subList(i + 1, stack.size()));
        stack.subList(i, stack.size()).clear();
        return items;
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw error("reads memo entry " + index + " that was never stored");
        }
        return memo.get(index);
    }

    // ---- containers ----

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o, String op) {
        if (o instanceof ArrayList<?> l) {
            return (List<Object>) l;
        }
        throw error(op + " on a " + typeName(o) + "; expected a list");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o, String op) {
        if (o instanceof LinkedHashMap<?, ?> m) {
            return (Map<Object, Object>) m;
        }
        throw error(op + " on a " + typeName(o) + "; expected a dict");
    }

    @SuppressWarnings("unchecked")
    private Set<Object> set(Object o) {
        if (o instanceof LinkedHashSet<?> s) {
            return (Set<Object>) s;
        }
        throw error("ADDITEMS on a " + typeName(o) + "; expected a set");
    }

    private Map<Object, Object> toDict(Map<Object, Object> map, List<Object> items, String op) {
        if (items.size() % 2 != 0) {
            throw error(op + " with an odd number (" + items.size() + ") of keys and values");
        }
        for (int i = 0; i < items.size(); i += 2) {
            map.put(key(items.get(i), op), items.get(i + 1));
        }
        return map;
    }

    /**
     * {@code k} checked as a dict key or set member: Python refuses unhashable ones (lists, dicts,
     * sets, tuples holding one), and a large key would make every hash and comparison walk it.
     */
    private Object key(Object k, String op) {
        if (k instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        if (!(k instanceof List<?> || k instanceof Set<?> || k instanceof Map<?, ?>)) {
            return k;
        }
        KeyShape shape = hashable.get(k);
        if (shape == null) {
            throw error(op + " uses a " + pythonType(k) + " as a dict key or set member; it is unhashable"
                    + " (Python refuses lists, dicts and sets there)");
        }
        if (shape.values() > MAX_KEY_VALUES || shape.depth() > MAX_DEPTH) {
            throw error(op + " uses a " + pythonType(k) + " of " + shape.values() + " values nested "
                    + shape.depth() + " deep as a key; at most " + MAX_KEY_VALUES + " values and "
                    + MAX_DEPTH + " levels are accepted");
        }
        return k;
    }

    private List<Object> tuple(List<Object> items) {
        List<Object> copy = new ArrayList<>(items.size());
        for (Object o : items) {
            copy.add(o == NULL_ITEM ? null : o);
        }
        List<Object> tuple = Collections.unmodifiableList(copy);
        rememberIfHashable(tuple, copy);
        return tuple;
    }

    private Set<Object> frozenset(List<Object> items) {
        Set<Object> members = new LinkedHashSet<>();
        for (Object item : items) {
            members.add(key(item, "FROZENSET"));
        }
        Set<Object> set = Collections.unmodifiableSet(members);
        rememberIfHashable(set, members);
        return set;
    }

    /** Records the shape of an immutable container whose items are all hashable. */
    private void rememberIfHashable(Object container, Iterable<Object> items) {
        long values = 1;
        int depth = 1;
        for (Object o : items) {
            if (o instanceof List<?> || o instanceof Set<?> || o instanceof Map<?, ?>) {
                KeyShape inner = hashable.get(o);
                if (inner == null) {
                    return;
                }
                values = Math.min(values + inner.values(), Long.MAX_VALUE / 2);
                depth = Math.max(depth, inner.depth() + 1);
            } else {
                values++;
            }
        }
        hashable.put(container, new KeyShape(values, depth));
    }

    private static String pythonType(Object o) {
        if (o instanceof ArrayList<?>) {
            return "list";
        }
        if (o instanceof List<?>) {
            return "tuple holding a list, dict or set";
        }
        if (o instanceof LinkedHashSet<?>) {
            return "set";
        }
        if (o instanceof Set<?>) {
            return "frozenset";
        }
        return o instanceof Map<?, ?> ? "dict" : typeName(o);
    }

    // ---- the shape of the value read ----

    /** One container being walked by {@link #checkShape}. */
    private static final class Walk {
        final Object container;
        final Iterator<?> children;
        long values = 1;
        int depth = 1;

        Walk(Object container) {
            this.container = container;
            this.children = children(container);
        }

        static Iterator<?> children(Object o) {
            if (o instanceof Map<?, ?> m) {
                List<Object> both = new ArrayList<>(2 * m.size());
                m.forEach((k, v) -> {
                    both.add(k);
                    both.add(v);
                });
                return both.iterator();
            }
            return ((Iterable<?>) o).iterator();
        }
    }

    /**
     * Refuses a value that contains itself, nests deeper than {@link #MAX_DEPTH} or, counted as a
     * tree, holds more values than the file's size allows: code that prints, hashes or compares it
     * would overflow the stack, loop forever or exhaust the heap. Shared sub-structures are walked
     * once (linear in the file).
     */
    private void checkShape(Object root) {
        if (!isContainer(root)) {
            return;
        }
        long maxValues = Math.max(MIN_MAX_VALUES, 4L * data.length);
        Map<Object, long[]> done = new IdentityHashMap<>(); // container -> {values, depth}
        Set<Object> onPath = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Walk> path = new ArrayDeque<>();
        path.push(new Walk(root));
        onPath.add(root);
        while (!path.isEmpty()) {
            Walk w = path.peek();
            if (w.children.hasNext()) {
                Object child = w.children.next();
                if (!isContainer(child)) {
                    w.values++;
                } else if (onPath.contains(child)) {
                    throw shapeError("contains itself (a " + pythonType(child) + " nested in its own items);"
                            + " only plain, non-recursive data is read");
                } else if (done.containsKey(child)) {
                    long[] c = done.get(child);
                    w.values += c[0];
                    w.depth = (int) Math.max(w.depth, c[1] + 1);
                } else if (path.size() >= MAX_DEPTH) {
                    throw shapeError("nests containers more than " + MAX_DEPTH + " deep");
                } else {
                    path.push(new Walk(child));
                    onPath.add(child);
                }
                if (w.values > maxValues) {
                    throw shapeError("holds more than " + maxValues + " values counted as a tree (shared"
                            + " sub-structures count each time they are used)");
                }
                continue;
            }
            path.pop();
            onPath.remove(w.container);
            done.put(w.container, new long[] {w.values, w.depth});
            Walk parent = path.peek();
            if (parent != null) {
                parent.values += w.values;
                parent.depth = Math.max(parent.depth, w.depth + 1);
                if (parent.values > maxValues) {
                    throw shapeError("holds more than " + maxValues + " values counted as a tree (shared"
                            + " sub-structures count each time they are used)");
                }
            }
        }
    }

    private static boolean isContainer(Object o) {
        return o instanceof List<?> || o instanceof Set<?> || o instanceof Map<?, ?>;
    }

    private SegEarthException shapeError(String what) {
        return new SegEarthException("pickle " + source + ": the value read " + what);
    }

    private static final Object NULL_ITEM = new Object();

    private static Object wrapNull(Object o) {
        return o == null ? NULL_ITEM : o;
    }

    private static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof String) {
            return "str";
        }
        if (o instanceof Long || o instanceof BigInteger) {
            return "int";
        }
        if (o instanceof Double) {
            return "float";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof byte[]) {
            return "bytes";
        }
        if (o instanceof List<?>) {
            return o instanceof ArrayList<?> ? "list" : "tuple";
        }
        if (o instanceof Set<?>) {
            return o instanceof LinkedHashSet<?> ? "set" : "frozenset";
        }
        return o instanceof Map<?, ?> ? "dict" : o.getClass().getSimpleName();
    }

    // ---- reading ----

    private SafePickle need(int n) {
        if (n < 0 || pos + (long) n > data.length) {
            throw error("is truncated: " + n + " more bytes expected, " + (data.length - pos) + " left");
        }
        return this;
    }

    private void skip(int n) {
        pos += n;
    }

    private int u8() {
        need(1);
        return data[pos++] & 0xff;
    }

    private ByteBuffer buffer(int n) {
        need(n);
        ByteBuffer b = ByteBuffer.wrap(data, pos, n).slice().order(ByteOrder.LITTLE_ENDIAN);
        pos += n;
        return b;
    }

    private int length(long n) {
        if (n < 0 || n > data.length - pos) {
            throw error("declares a length of " + n + " bytes but " + (data.length - pos) + " are left");
        }
        return (int) n;
    }

    private byte[] bytes(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(data, pos, pos + n);
        pos += n;
        return out;
    }

    private String line() {
        int start = pos;
        while (pos < data.length && data[pos] != '\n') {
            pos++;
        }
        if (pos >= data.length) {
            throw error("has a text argument without its newline");
        }
        String s = new String(data, start, pos - start, StandardCharsets.ISO_8859_1);
        pos++;
        return s;
    }

    private Object parseIntLine(String s) {
        if (s.equals("01")) {
            return Boolean.TRUE;
        }
        if (s.equals("00")) {
            return Boolean.FALSE;
        }
        return parseLongLine(s);
    }

    private Object parseLongLine(String s) {
        String t = s.endsWith("L") ? s.substring(0, s.length() - 1) : s;
        String digits = t.trim();
        int count = digits.length() - (digits.startsWith("-") || digits.startsWith("+") ? 1 : 0);
        if (count > MAX_INT_DIGITS) {
            throw error("has an integer of " + count + " digits; at most " + MAX_INT_DIGITS + " are read");
        }
        try {
            BigInteger v = new BigInteger(t.trim());
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw error("has an integer '" + abbreviate(s) + "' that does not parse");
        }
    }

    private long parseIndex(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw error("has a memo index '" + abbreviate(s) + "' that does not parse");
        }
    }

    private double parseFloat(String s) {
        String t = s.trim();
        switch (t) {
            case "nan" -> { return Double.NaN; }
            case "inf" -> { return Double.POSITIVE_INFINITY; }
            case "-inf" -> { return Double.NEGATIVE_INFINITY; }
            default -> { }
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw error("has a float '" + abbreviate(s) + "' that does not parse");
        }
    }

    private static Object littleEndian(byte[] b) {
        if (b.length == 0) {
            return 0L;
        }
        byte[] big = new byte[b.length];
        for (int i = 0; i < b.length; i++) {
            big[i] = b[b.length - 1 - i];
        }
        BigInteger v = new BigInteger(big);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private String utf8(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            // Python writes lone surrogates with surrogatepass; keep the text readable
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    /** Python 2 {@code str}: UTF-8 when it decodes, else Latin-1. */
    private static String decodeText(byte[] b) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
    }

    /** The {@code repr} of a Python 2 str, quotes and escapes removed. */
    private byte[] unquote(String s) {
        String t = s.strip();
        if (t.length() < 2 || t.charAt(0) != t.charAt(t.length() - 1) || (t.charAt(0) != '\'' && t.charAt(0) != '"')) {
            throw error("has a STRING argument " + abbreviate(t) + " that is not quoted");
        }
        t = t.substring(1, t.length() - 1);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (c != '\\' || i + 1 >= t.length()) {
                out.write(c);
                continue;
            }
            char e = t.charAt(++i);
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'a' -> out.write(7);
                case 'b' -> out.write(8);
                case 'f' -> out.write(12);
                case 'v' -> out.write(11);
                case 'x' -> {
                    if (i + 3 > t.length()) {
                        throw error("has a broken \\x escape in STRING " + abbreviate(s));
                    }
                    out.write(hex(t.substring(i + 1, i + 3), s));
                    i += 2;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i;
                        int v = 0;
                        while (j < t.length() && j < i + 3 && t.charAt(j) >= '0' && t.charAt(j) <= '7') {
                            v = v * 8 + (t.charAt(j) - '0');
                            j++;
                        }
                        out.write(v & 0xff);
                        i = j - 1;
                    } else if (e == '\\' || e == '\'' || e == '"') {
                        out.write(e);
                    } else {
                        out.write('\\');
                        out.write(e);
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private int hex(String digits, String text) {
        try {
            long v = Long.parseLong(digits, 16);
            if (v < 0 || digits.startsWith("+") || digits.startsWith("-")) {
                throw new NumberFormatException(digits);
            }
            return (int) Math.min(v, Integer.MAX_VALUE);
        } catch (NumberFormatException e) {
            throw error("has a broken escape '" + abbreviate(digits) + "' in " + abbreviate(text));
        }
    }

    /** At most 60 characters of {@code s}, control characters escaped (messages are one line). */
    private static String abbreviate(String s) {
        return Messages.abbreviate(s, 60);
    }

    /** Python's raw-unicode-escape: {@code \\uXXXX} and {@code \\UXXXXXXXX}, other chars Latin-1. */
    private String rawUnicodeEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
                if (i + 2 + digits > s.length()) {
                    throw error("has a broken \\u escape in UNICODE " + abbreviate(s));
                }
                int cp = hex(s.substring(i + 2, i + 2 + digits), s);
                if (cp > Character.MAX_CODE_POINT) {
                    throw error("has an escape beyond U+10FFFF in UNICODE " + abbreviate(s));
                }
                out.appendCodePoint(cp);
                i += 1 + digits;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
