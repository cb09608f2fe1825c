package org.segearth.runtime.train.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The seeded order in which a run visits the samples: epoch {@code e} is a shuffle of
 * {@code 0..size-1} drawn from {@code Random(seed * 1000003 + e)}, and the run is the epochs one
 * after the other. A position in that sequence is all a checkpoint needs to continue.
 */
public final class DataOrder {

    private final int size;
    private final long seed;
    private int cachedEpoch = -1;
    private List<Integer> cached;

    /** The order over {@code size} samples for {@code seed}. */
    public DataOrder(int size, long seed) {
        if (size < 1) {
            throw new IllegalArgumentException("the training set is empty");
        }
        this.size = size;
        this.seed = seed;
    }

    /** The sample index at global position {@code position} (0-based, across epochs). */
    public int at(long position) {
        int epoch = (int) (position / size);
        if (epoch != cachedEpoch) {
            List<Integer> order = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(seed * 1000003L + epoch));
            cached = order;
            cachedEpoch = epoch;
        }
        return cached.get((int) (position % size));
    }

    /** The epoch of {@code position}. */
    public int epochOf(long position) {
        return (int) (position / size);
    }
}
