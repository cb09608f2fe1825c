package org.segearth.runtime.data;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes pickle opcodes byte by byte, as CPython's pickler emits them. */
final class PickleBytes {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleBytes op(int opcode) {
        out.write(opcode);
        return this;
    }

    PickleBytes raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    PickleBytes text(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        out.write(b, 0, b.length);
        return this;
    }

    PickleBytes le(long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
        return this;
    }

    PickleBytes proto(int p) {
        return op(0x80).raw(p);
    }

    /** BINUNICODE (protocols 1-3 for str). */
    PickleBytes binunicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op('X').le(b.length, 4);
        out.write(b, 0, b.length);
        return this;
    }

    /** SHORT_BINUNICODE (protocol 4+). */
    PickleBytes shortBinunicode(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        op(0x8c).raw(b.length);
        out.write(b, 0, b.length);
        return this;
    }

    PickleBytes binint1(int v) {
        return op('K').raw(v);
    }

    PickleBytes binint2(int v) {
        return op('M').le(v, 2);
    }

    PickleBytes binint(int v) {
        return op('J').le(v, 4);
    }

    PickleBytes binput(int i) {
        return op('q').raw(i);
    }

    PickleBytes binget(int i) {
        return op('h').raw(i);
    }

    PickleBytes mark() {
        return op('(');
    }

    PickleBytes stop() {
        return op('.');
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
