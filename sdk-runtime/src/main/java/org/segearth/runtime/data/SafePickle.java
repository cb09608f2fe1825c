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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.segearth.api.SegEarthException;

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
 * <pre>{@code
 * Object refs = SafePickle.read(Path.of("rrsisd/refs(unc).p"));   // a List of Maps
 * }</pre>
 */
public final class SafePickle {

    private static final Object MARK = new Object() {
        @Override
        public String toString() {
            return "MARK";
        }
    };

    private final String source;
    private final byte[] data;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();

    private SafePickle(String source, byte[] data) {
        this.source = source;
        this.data = data;
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
        return new SafePickle(source, bytes).run();
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
                case ')' -> push(Collections.unmodifiableList(new ArrayList<>()));
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
                    dict(peek(), "SETITEM").put(key(k), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    toDict(dict(peek(), "SETITEMS"), items, "SETITEMS");
                }
                case 0x8f -> push(new LinkedHashSet<>());
                case 0x90 -> {
                    List<Object> items = popMark();
                    set(peek()).addAll(items);
                }
                case 0x91 -> push(Collections.unmodifiableSet(new LinkedHashSet<>(popMark())));
                case 'p' -> memo.put(parseIndex(line()), peek());
                case 'q' -> memo.put((long) u8(), peek());
                case 'r' -> memo.put(buffer(4).getInt() & 0xffffffffL, peek());
                case 0x94 -> memo.put((long) memo.size(), peek());
                case 'g' -> push(memoGet(parseIndex(line())));
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(buffer(4).getInt() & 0xffffffffL));
                case 'c', 0x93, 'R', 'b', 'i', 'o', 0x81, 0x92, 0x82, 0x83, 0x84, 'P', 'Q', 0x97, 0x98 ->
                    throw refused(op, at);
                default -> throw new SegEarthException("pickle " + source + ": unknown opcode 0x"
                        + Integer.toHexString(op) + " at byte " + at + "; is this a pickle file?");
            }
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
            map.put(key(items.get(i)), items.get(i + 1));
        }
        return map;
    }

    private Object key(Object k) {
        if (k instanceof byte[] b) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        return k;
    }

    private static List<Object> tuple(List<Object> items) {
        List<Object> copy = new ArrayList<>(items.size());
        for (Object o : items) {
            copy.add(o == NULL_ITEM ? null : o);
        }
        return Collections.unmodifiableList(copy);
    }

    private static final Object NULL_ITEM = new Object();

    private static Object wrapNull(Object o) {
        return o == null ? NULL_ITEM : o;
    }

    private static String typeName(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName();
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
        try {
            BigInteger v = new BigInteger(t.trim());
            return v.bitLength() < 64 ? (Object) v.longValue() : v;
        } catch (NumberFormatException e) {
            throw error("has an integer '" + s + "' that does not parse");
        }
    }

    private long parseIndex(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            throw error("has a memo index '" + s + "' that does not parse");
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
            throw error("has a float '" + s + "' that does not parse");
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
            throw error("has a STRING argument " + t + " that is not quoted");
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
                        throw error("has a broken \\x escape in STRING " + s);
                    }
                    out.write(Integer.parseInt(t.substring(i + 1, i + 3), 16));
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

    /** Python's raw-unicode-escape: {@code \\uXXXX} and {@code \\UXXXXXXXX}, other chars Latin-1. */
    private String rawUnicodeEscape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length() && (s.charAt(i + 1) == 'u' || s.charAt(i + 1) == 'U')) {
                int digits = s.charAt(i + 1) == 'u' ? 4 : 8;
                if (i + 2 + digits > s.length()) {
                    throw error("has a broken \\u escape in UNICODE " + s);
                }
                out.appendCodePoint(Integer.parseInt(s.substring(i + 2, i + 2 + digits), 16));
                i += 1 + digits;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
