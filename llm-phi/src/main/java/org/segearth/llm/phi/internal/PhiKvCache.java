package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;
import org.segearth.spi.KvCache;

/**
 * Per layer key and value buffers {@code [batch, kvHeads, capacity, headDim]}, written in place.
 * When a forward needs more room the buffers grow to at least twice their capacity, so the
 * total copying over a generation is linear in its length and a one-token step allocates
 * nothing of the cache's size.
 */
public final class PhiKvCache implements KvCache {

    private final NDManager manager;
    private final int batch;
    private final int kvHeads;
    private final int headDim;
    private final NDArray[] keys;
    private final NDArray[] values;
    private int capacity;
    private int length;
    private int reallocations;
    private boolean closed;

    public PhiKvCache(NDManager parent, int layers, int batch, int kvHeads, int headDim, int capacity) {
        if (batch <= 0 || capacity < 0) {
            throw new SegEarthException("KV cache: batch " + batch + " and capacity " + capacity
                    + " must be positive and non-negative");
        }
        this.manager = parent.newSubManager();
        this.batch = batch;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.keys = new NDArray[layers];
        this.values = new NDArray[layers];
        this.capacity = Math.max(capacity, 1);
        for (int l = 0; l < layers; l++) {
            keys[l] = buffer(this.capacity);
            values[l] = buffer(this.capacity);
        }
    }

    private NDArray buffer(int tokens) {
        return manager.zeros(new Shape(batch, kvHeads, tokens, headDim), DataType.FLOAT32);
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public int batchSize() {
        return batch;
    }

    @Override
    public void truncate(int tokens) {
        ensureOpen();
        if (tokens < 0 || tokens > length) {
            throw new SegEarthException("cannot truncate a KV cache of " + length + " tokens to " + tokens
                    + "; expected 0.." + length);
        }
        length = tokens;
    }

    /** How many times the buffers grew since creation. */
    public int reallocations() {
        return reallocations;
    }

    /** Makes room for {@code tokens} in total, growing geometrically. */
    public void reserve(int tokens) {
        ensureOpen();
        if (tokens <= capacity) {
            return;
        }
        int grown = Math.max(tokens, capacity * 2);
        for (int l = 0; l < keys.length; l++) {
            keys[l] = grow(keys[l], grown);
            values[l] = grow(values[l], grown);
        }
        capacity = grown;
        reallocations++;
    }

    private NDArray grow(NDArray old, int tokens) {
        NDArray bigger = buffer(tokens);
        if (length > 0) {
            try (NDManager tmp = manager.newSubManager()) {
                NDArray held = old.get(new NDIndex(":, :, :{}", length));
                held.attach(tmp);
                bigger.set(new NDIndex(":, :, :{}", length), held);
            }
        }
        old.close();
        return bigger;
    }

    /**
     * Writes {@code k} and {@code v} ({@code [batch, kvHeads, tokens, headDim]}) of layer
     * {@code layer} after what the cache holds and returns the keys and values of every position
     * so far (views of the buffers, in {@code k}'s manager).
     */
    public NDArray[] append(int layer, NDArray k, NDArray v) {
        ensureOpen();
        int tokens = (int) k.getShape().get(2);
        if (k.getShape().get(0) != batch) {
            throw new SegEarthException("KV cache made for batch " + batch + " got batch " + k.getShape().get(0));
        }
        if (length + tokens > capacity) {
            throw new IllegalStateException("reserve(" + (length + tokens) + ") must precede append");
        }
        NDIndex slot = new NDIndex(":, :, {}:{}", length, length + tokens);
        keys[layer].set(slot, k);
        values[layer].set(slot, v);
        NDIndex filled = new NDIndex(":, :, :{}", length + tokens);
        NDArray allK = keys[layer].get(filled);
        NDArray allV = values[layer].get(filled);
        allK.attach(k.getManager());
        allV.attach(k.getManager());
        return new NDArray[] {allK, allV};
    }

    /** Marks {@code tokens} more positions as held (after every layer appended them). */
    public void advance(int tokens) {
        length += tokens;
    }

    private void ensureOpen() {
        if (closed) {
            throw new SegEarthException("the KV cache is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            manager.close();
        }
    }
}
