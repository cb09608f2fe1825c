package org.segearth.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * What this machine can do, measured with the same libtorch the model runs on, in the same
 * process: GEMM throughput (float32, and float16-stored weights widened to float32 per product as
 * precision {@code auto} does), memory bandwidth (streaming a large array in place), and the machine's
 * description. Also the peak-RSS sampler the component runs use.
 */
final class Machine {

    private Machine() {}

    /** The CPU, cores, memory, load and the engine's versions and threads. */
    static JsonObject describe() {
        JsonObject o = new JsonObject();
        o.addProperty("cpu", cpuInfo("model name"));
        String flags = cpuInfo("flags");
        o.addProperty("avx512f", flags.contains(" avx512f"));
        o.addProperty("avx512_bf16", flags.contains("avx512_bf16"));
        o.addProperty("amx", flags.contains("amx_tile"));
        o.addProperty("cores", Runtime.getRuntime().availableProcessors());
        o.addProperty("memory_bytes", memTotalKb() * 1024);
        o.addProperty("load_average", loadAverage());
        o.addProperty("java", System.getProperty("java.version"));
        Engine engine = Engine.getInstance();
        o.addProperty("engine", engine.getEngineName() + " " + engine.getVersion());
        o.addProperty("intra_op_threads", JniUtils.getNumThreads());
        o.addProperty("inter_op_threads", JniUtils.getNumInteropThreads());
        return o;
    }

    /** GFLOP/s of a square {@code n x n} float32 matmul (best of {@code repeats}). */
    static double gemmF32(NDManager parent, int n, int repeats) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            double best = best(repeats, () -> {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
            });
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /**
     * GFLOP/s of the same product with the right-hand matrix stored in float16 and widened to
     * float32 for the product (what precision {@code auto} does with 16-bit weights; DJL 0.36
     * has no bfloat16 data type, so a bfloat16 matmul cannot be measured from Java).
     */
    static double gemmF16Stored(NDManager parent, int n, int repeats) {
        try (NDManager m = parent.newSubManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n)).toType(DataType.FLOAT16, false);
            double best = best(repeats, () -> {
                try (NDArray wide = b.toType(DataType.FLOAT32, false); NDArray c = a.matMul(wide)) {
                    c.getFloat(0, 0);
                }
            });
            return 2.0 * n * n * n / best / 1e9;
        }
    }

    /**
     * GB/s of streaming a {@code megabytes} float32 array through memory: an in-place add (every
     * byte read and written once, no allocation; bytes read + bytes written, best of {@code repeats}).
     */
    static double copyBandwidth(NDManager parent, int megabytes, int repeats) {
        try (NDManager m = parent.newSubManager()) {
            long elements = megabytes * (1L << 20) / 4;
            NDArray a = m.ones(new Shape(elements));
            double best = best(repeats, () -> a.addi(1f).getFloat(0));
            return 2.0 * elements * 4 / best / 1e9;
        }
    }

    /** Seconds of the fastest of {@code repeats} runs after one warm-up. */
    static double best(int repeats, Runnable body) {
        body.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t = System.nanoTime();
            body.run();
            best = Math.min(best, (System.nanoTime() - t) / 1e9);
        }
        return best;
    }

    /** The resident set size now, in bytes (0 where /proc is not there). */
    static long rss() {
        return statusKb("VmRSS:") * 1024;
    }

    /** What {@link #sampled} measured: the result, seconds, and the peak RSS while it ran. */
    record Sampled<T>(T value, double seconds, long peakRss) {}

    /** Runs {@code body} while a thread samples the resident set every 5 ms. */
    static <T> Sampled<T> sampled(Supplier<T> body) {
        long[] peak = {rss()};
        boolean[] done = {false};
        Thread sampler = new Thread(() -> {
            while (!done[0]) {
                peak[0] = Math.max(peak[0], rss());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t = System.nanoTime();
        T value;
        try {
            value = body.get();
        } finally {
            done[0] = true;
        }
        double seconds = (System.nanoTime() - t) / 1e9;
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Sampled<>(value, seconds, Math.max(peak[0], rss()));
    }

    private static String cpuInfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(key)) {
                    return " " + line.substring(line.indexOf(':') + 1).trim() + " ";
                }
            }
        } catch (IOException e) {
            return "unknown";
        }
        return "unknown";
    }

    private static long memTotalKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static String loadAverage() {
        try {
            List<String> parts = List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" "));
            return String.join(" ", parts.subList(0, 3));
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long statusKb(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
}
