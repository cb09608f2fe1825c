package org.segearth.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;

class SafePickleTest {

    /**
     * {@code pickle.dumps([{'ref_id': 5, 'split': 'test', 'sentences': [{'raw': 'the red car', 'sent_id': 0}]},
     * {'ref_id': 300, 'split': 'test', ...}], protocol=2)} as CPython writes it: memo puts after
     * every container and string, BINGET for the repeated key strings.
     */
    static byte[] refsProtocol2() {
        PickleBytes p = new PickleBytes().proto(2);
        p.op(']').binput(0).mark();
        // first ref
        p.op('}').binput(1).mark();
        p.binunicode("ref_id").binput(2).binint1(5);
        p.binunicode("split").binput(3).binunicode("test").binput(4);
        p.binunicode("sentences").binput(5).op(']').binput(6);
        p.op('}').binput(7).mark().binunicode("raw").binput(8).binunicode("the red car").binput(9)
                .binunicode("sent_id").binput(10).binint1(0).op('u');
        p.op('a'); // sentences.append(sentence)
        p.op('u'); // SETITEMS of the first ref
        // second ref, reusing memoised key strings
        p.op('}').binput(11).mark();
        p.binget(2).binint2(300);
        p.binget(3).binget(4);
        p.binget(5).op(']').binput(12).op('}').binput(13).mark().binget(8).binunicode("a white plane")
                .binput(14).binget(10).binint(-7).op('u').op('a');
        p.op('u');
        p.op('e'); // APPENDS both refs
        return p.stop().bytes();
    }

    @Test
    @SuppressWarnings("unchecked")
    void readsProtocol2Refs() {
        Object o = SafePickle.read(refsProtocol2(), "refs.p");
        List<Object> refs = (List<Object>) o;
        assertEquals(2, refs.size());
        Map<String, Object> first = (Map<String, Object>) refs.get(0);
        assertEquals(5L, first.get("ref_id"));
        assertEquals("test", first.get("split"));
        List<Object> sentences = (List<Object>) first.get("sentences");
        assertEquals(Map.of("raw", "the red car", "sent_id", 0L), sentences.get(0));
        Map<String, Object> second = (Map<String, Object>) refs.get(1);
        assertEquals(300L, second.get("ref_id"));
        Map<String, Object> s2 = (Map<String, Object>) ((List<Object>) second.get("sentences")).get(0);
        assertEquals("a white plane", s2.get("raw"));
        assertEquals(-7L, s2.get("sent_id"));
    }

    /** Protocol 4 framing, MEMOIZE, tuples, sets, bytes, floats, big ints, booleans and None. */
    @Test
    @SuppressWarnings("unchecked")
    void readsProtocol4() {
        PickleBytes body = new PickleBytes();
        body.op('}').op(0x94).mark();
        body.shortBinunicode("t").op(0x94).binint1(1).shortBinunicode("x").op(0x94).op(0x86).op(0x94);
        body.shortBinunicode("f").op(0x94).op('G').raw(0x3f, 0xf8, 0, 0, 0, 0, 0, 0); // 1.5 big-endian
        body.shortBinunicode("big").op(0x94).op(0x8a).raw(9).le(0, 8).raw(1); // 2**64
        body.shortBinunicode("neg").op(0x94).op(0x8a).raw(1).raw(0xff); // -1
        body.shortBinunicode("b").op(0x94).op('C').raw(2).raw(0xde, 0xad);
        body.shortBinunicode("flags").op(0x94).op(0x88).op(0x89).op('N').op(0x87).op(0x94);
        body.shortBinunicode("s").op(0x94).op(0x8f).op(0x94).mark().binint1(3).binint1(4).op(0x90);
        body.shortBinunicode("again").op(0x94).binget(3); // memo: 0 dict, 1 "t", 2 "x", 3 the tuple
        body.op('u').stop();
        byte[] b = body.bytes();
        PickleBytes p = new PickleBytes().proto(4).op(0x95).le(b.length, 8);
        byte[] all = concat(p.bytes(), b);
        Map<String, Object> m = (Map<String, Object>) SafePickle.read(all, "p4");
        assertEquals(List.of(1L, "x"), m.get("t"));
        assertEquals(1.5, m.get("f"));
        assertEquals(BigInteger.ONE.shiftLeft(64), m.get("big"));
        assertEquals(-1L, m.get("neg"));
        assertArrayEquals(new byte[] {(byte) 0xde, (byte) 0xad}, (byte[]) m.get("b"));
        List<Object> flags = (List<Object>) m.get("flags");
        assertEquals(Boolean.TRUE, flags.get(0));
        assertEquals(Boolean.FALSE, flags.get(1));
        assertNull(flags.get(2));
        assertEquals(Set.of(3L, 4L), m.get("s"));
        assertEquals(List.of(1L, "x"), m.get("again"));
    }

    /** Protocol 0, as Python 2's {@code pickle.dump} wrote REFER's files. */
    @Test
    @SuppressWarnings("unchecked")
    void readsProtocol0() {
        String text = "(lp0\n(dp1\nS'ref_id'\np2\nI5\nsS'split'\np3\nS'test'\np4\nsS'ok'\np5\nI01\n"
                + "sS'score'\np6\nF0.25\nsS'big'\np7\nL12345678901234567890L\nsS'sentences'\np8\n(lp9\n"
                + "(dp10\nS'raw'\np11\nVthe caf\\u00e9 roof\np12\nsS'tokens'\np13\n(S'it\\'s'\np14\ng3\ntp15\nsa"
                + "sa.";
        List<Object> refs = (List<Object>) SafePickle.read(text.getBytes(StandardCharsets.ISO_8859_1), "p0");
        Map<String, Object> ref = (Map<String, Object>) refs.get(0);
        assertEquals(5L, ref.get("ref_id"));
        assertEquals("test", ref.get("split"));
        assertEquals(Boolean.TRUE, ref.get("ok"));
        assertEquals(0.25, ref.get("score"));
        assertEquals(new BigInteger("12345678901234567890"), ref.get("big"));
        Map<String, Object> s = (Map<String, Object>) ((List<Object>) ref.get("sentences")).get(0);
        assertEquals("the caf\u00e9 roof", s.get("raw"));
        assertEquals(List.of("it's", "split"), s.get("tokens"));
    }

    @Test
    void refusesGlobalAndReduce() {
        // pickle.dumps of os.system('ls') style payload: GLOBAL 'os system', then REDUCE
        byte[] hostile = new PickleBytes().proto(2).op('c').text("os\nsystem\n").binput(0)
                .binunicode("ls").binput(1).op(0x85).binput(2).op('R').binput(3).stop().bytes();
        SegEarthException e = assertThrows(SegEarthException.class, () -> SafePickle.read(hostile, "evil.p"));
        assertTrue(e.getMessage().contains("GLOBAL") && e.getMessage().contains("evil.p"), e.getMessage());
        assertTrue(e.getMessage().contains("refused"), e.getMessage());

        byte[] reduceOnly = new PickleBytes().proto(2).op(']').op(')').op('R').stop().bytes();
        e = assertThrows(SegEarthException.class, () -> SafePickle.read(reduceOnly, "r.p"));
        assertTrue(e.getMessage().contains("REDUCE"), e.getMessage());

        byte[] stackGlobal = new PickleBytes().proto(4).shortBinunicode("builtins").shortBinunicode("eval")
                .op(0x93).stop().bytes();
        e = assertThrows(SegEarthException.class, () -> SafePickle.read(stackGlobal, "s.p"));
        assertTrue(e.getMessage().contains("STACK_GLOBAL"), e.getMessage());

        for (int op : new int[] {'b', 'i', 'o', 0x81, 0x92, 0x82, 'P'}) {
            byte[] bad = new PickleBytes().proto(2).op('}').op(op).stop().bytes();
            assertThrows(SegEarthException.class, () -> SafePickle.read(bad, "x.p"));
        }
    }

    @Test
    void malformedPicklesFailClearly() {
        byte[] truncated = new PickleBytes().proto(2).op('X').le(100, 4).text("abc").bytes();
        SegEarthException e = assertThrows(SegEarthException.class, () -> SafePickle.read(truncated, "t.p"));
        assertTrue(e.getMessage().contains("t.p"), e.getMessage());
        byte[] noStop = new PickleBytes().proto(2).op(']').bytes();
        assertThrows(SegEarthException.class, () -> SafePickle.read(noStop, "n.p"));
        byte[] badMemo = new PickleBytes().proto(2).binget(9).stop().bytes();
        assertThrows(SegEarthException.class, () -> SafePickle.read(badMemo, "m.p"));
        assertThrows(SegEarthException.class, () -> SafePickle.read("not a pickle".getBytes(StandardCharsets.UTF_8), "z"));
    }

    /** A list that holds itself, used as a dict key: Python raises TypeError (was a StackOverflowError). */
    @Test
    void refusesAListContainingItselfAsAKey() {
        SegEarthException e = assertThrows(SegEarthException.class, () -> readResource("self-list-key.p"));
        assertTrue(e.getMessage().contains("unhashable") && e.getMessage().contains("self-list-key.p"), e.getMessage());
    }

    /** t = (); 50 times t = (t, t): 104 bytes, 2^50 values as a tree (was 80 s, 6 GB, then OutOfMemoryError). */
    @Test
    void refusesSharedTuplesThatExpandBeyondTheLimit() {
        SegEarthException e = assertThrows(SegEarthException.class, () -> readResource("shared-tuples.p"));
        assertTrue(e.getMessage().contains("counted as a tree"), e.getMessage());
    }

    /** The same kind of graph, 40 levels deep, as a dict key (hashing it walked 2^40 values: a hang). */
    @Test
    void refusesAHugeSharedTupleAsAKey() {
        SegEarthException e = assertThrows(SegEarthException.class, () -> readResource("shared-tuple-key.p"));
        assertTrue(e.getMessage().contains("as a key") && e.getMessage().contains("at most 10000 values"),
                e.getMessage());
    }

    @Test
    void refusesDeepNestingAndSelfReference() {
        SegEarthException e = assertThrows(SegEarthException.class, () -> readResource("deep-lists.p"));
        assertTrue(e.getMessage().contains("more than 256 deep"), e.getMessage());
        // l = []; l.append(l)  -- what pickle.dumps writes for it
        byte[] selfList = new PickleBytes().proto(2).op(']').binput(0).binget(0).op('a').stop().bytes();
        e = assertThrows(SegEarthException.class, () -> SafePickle.read(selfList, "self.p"));
        assertTrue(e.getMessage().contains("contains itself"), e.getMessage());
        // a set holding a dict, a frozenset holding a list
        byte[] dictInSet = new PickleBytes().proto(4).op(0x8f).mark().op('}').op(0x90).stop().bytes();
        e = assertThrows(SegEarthException.class, () -> SafePickle.read(dictInSet, "set.p"));
        assertTrue(e.getMessage().contains("dict as a dict key or set member"), e.getMessage());
        byte[] listInFrozen = new PickleBytes().proto(4).mark().op(']').op(0x91).stop().bytes();
        assertThrows(SegEarthException.class, () -> SafePickle.read(listInFrozen, "fs.p"));
        // a tuple holding a list is unhashable too
        byte[] tupleKey = new PickleBytes().proto(2).op('}').op(']').op(0x85).binint1(1).op('s').stop().bytes();
        e = assertThrows(SegEarthException.class, () -> SafePickle.read(tupleKey, "tk.p"));
        assertTrue(e.getMessage().contains("tuple holding a list"), e.getMessage());
    }

    @Test
    @SuppressWarnings("unchecked")
    void acceptsSmallHashableKeysAndSharedValues() {
        // {(1, ('a', ())): [x, x]} with x = [1, 2] shared through the memo
        byte[] b = new PickleBytes().proto(2).op('}').binint1(1).shortBinunicode("a").op(')').op(0x86).op(0x86)
                .op(']').mark().binint1(1).binint1(2).op('e').binput(0).binget(0).op(0x86).op('s').stop().bytes();
        Map<Object, Object> m = (Map<Object, Object>) SafePickle.read(b, "ok.p");
        List<Object> key = List.of(1L, List.of("a", List.of()));
        assertEquals(List.of(List.of(1L, 2L), List.of(1L, 2L)), m.get(key));
    }

    @Test
    void refusesHugeTextIntegersAndBrokenEscapes() {
        String digits = "9".repeat(SafePickle.MAX_INT_DIGITS + 1);
        byte[] big = new PickleBytes().op('L').text(digits + "L\n").stop().bytes();
        SegEarthException e = assertThrows(SegEarthException.class, () -> SafePickle.read(big, "i.p"));
        assertTrue(e.getMessage().contains("at most 4300 are read"), e.getMessage());
        byte[] escape = new PickleBytes().op('V').text("\\U7fffffff\n").stop().bytes();
        assertThrows(SegEarthException.class, () -> SafePickle.read(escape, "u.p"));
        byte[] badHex = new PickleBytes().op('V').text("\\uZZZZ\n").stop().bytes();
        assertThrows(SegEarthException.class, () -> SafePickle.read(badHex, "h.p"));
    }

    static byte[] resource(String name) {
        try (java.io.InputStream in = SafePickleTest.class.getResourceAsStream("pickles/" + name)) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Object readResource(String name) {
        return SafePickle.read(resource(name), name);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
