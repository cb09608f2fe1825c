package org.segearth.demo.internal;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.segearth.api.SegEarthException;

/**
 * Fills {@link ParamSpec}s with seeded values. Every tensor draws from its own generator, seeded
 * from the run's seed and the tensor's key, so a tensor's values depend on neither the order of
 * the keys nor the other tensors, and a seed gives the same bytes on every platform (the normal
 * deviates come from Box-Muller over {@link SplittableRandom#nextDouble()}).
 */
public final class Initializer {

    private final long seed;

    /** An initializer for {@code seed}. */
    public Initializer(long seed) {
        this.seed = seed;
    }

    /** The values of {@code spec}, row-major. */
    public float[] values(ParamSpec spec) {
        long n = spec.numel();
        if (n > Integer.MAX_VALUE) {
            throw new SegEarthException("tensor " + spec.key() + " has " + n + " elements; the demo factory makes"
                    + " tensors below 2^31 elements");
        }
        float[] out = new float[(int) n];
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ hash(spec.key()));
        long[] shape = spec.shape();
        Init init = spec.init();
        if (init instanceof Init.Normal g) {
            fillNormal(out, random, g.std(), Double.POSITIVE_INFINITY);
        } else if (init instanceof Init.TruncNormal t) {
            fillNormal(out, random, t.std(), 2);
        } else if (init instanceof Init.LecunNormal) {
            // lecun_normal_: trunc_normal_(std = sqrt(1 / fan_in) / .87962566103423978), cut at 2 std
            fillNormal(out, random, Math.sqrt(1.0 / fanIn(shape)) / .87962566103423978, 2);
        } else if (init instanceof Init.Constant c) {
            java.util.Arrays.fill(out, (float) c.value());
        } else if (init instanceof Init.XavierUniform x) {
            double a = x.gain() * Math.sqrt(6.0 / (fanIn(shape) + fanOut(shape)));
            fillUniform(out, random, a);
        } else if (init instanceof Init.KaimingUniform k) {
            long fanIn = k.fanInOf() > 0 ? k.fanInOf() : fanIn(shape);
            fillUniform(out, random, 1.0 / Math.sqrt(fanIn));
        } else if (init instanceof Init.Values v) {
            if (v.values().length != n) {
                throw new SegEarthException("tensor " + spec.key() + ": " + v.values().length + " values for "
                        + n + " elements");
            }
            System.arraycopy(v.values(), 0, out, 0, out.length);
        } else {
            throw new SegEarthException("unknown initialisation " + init + " for " + spec.key());
        }
        return out;
    }

    /** PyTorch's fan-in: {@code shape[1]} times the receptive field (1-d tensors: their length). */
    static long fanIn(long[] shape) {
        if (shape.length < 2) {
            return shape[0];
        }
        return shape[1] * receptive(shape);
    }

    /** PyTorch's fan-out: {@code shape[0]} times the receptive field. */
    static long fanOut(long[] shape) {
        if (shape.length < 2) {
            return shape[0];
        }
        return shape[0] * receptive(shape);
    }

    private static long receptive(long[] shape) {
        long r = 1;
        for (int i = 2; i < shape.length; i++) {
            r *= shape[i];
        }
        return r;
    }

    private static void fillUniform(float[] out, SplittableRandom random, double bound) {
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
        }
    }

    private static void fillNormal(float[] out, SplittableRandom random, double std, double cut) {
        int i = 0;
        while (i < out.length) {
            double u1 = random.nextDouble();
            double u2 = random.nextDouble();
            double r = Math.sqrt(-2 * Math.log(1 - u1));
            for (double z : new double[] {r * Math.cos(2 * Math.PI * u2), r * Math.sin(2 * Math.PI * u2)}) {
                if (i < out.length && Math.abs(z) <= cut) {
                    out[i++] = (float) (z * std);
                }
            }
        }
    }

    private static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
