package org.segearth.demo.internal;

import java.util.Arrays;

/**
 * One tensor of a checkpoint: its key, shape and how it starts.
 *
 * @param key the checkpoint key
 * @param shape the shape
 * @param init the initialisation
 */
public record ParamSpec(String key, long[] shape, Init init) {

    public ParamSpec {
        shape = shape.clone();
    }

    /** A spec; {@code shape} as ints for brevity. */
    public static ParamSpec of(String key, Init init, long... shape) {
        return new ParamSpec(key, shape, init);
    }

    /** The number of elements. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    @Override
    public String toString() {
        return key + Arrays.toString(shape) + " " + init;
    }
}
