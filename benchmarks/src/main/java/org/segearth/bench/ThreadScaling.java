package org.segearth.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * How PyTorch's intra-op threads and the Java threads that call the model share the cores: the
 * aggregate float32 GEMM throughput of {@code J} Java threads, each running products at
 * {@code I} intra-op threads, for every {@code J x I} up to twice the cores. The settings the
 * documentation recommends ({@code J x I <= cores}) come from this table.
 *
 * <pre>
 * java -cp ... org.segearth.bench.ThreadScaling [N] [SECONDS]
 * </pre>
 */
public final class ThreadScaling {

    private ThreadScaling() {}

    /** {@code ThreadScaling [N] [SECONDS]}: square size of the products and seconds per setting. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 4;
        int cores = Runtime.getRuntime().availableProcessors();
        ai.djl.engine.Engine.getEngine("PyTorch"); // loads libtorch
        System.out.printf(Locale.ROOT, "cores %d, inter-op threads %d, products %d x %d float32, %.0f s per setting%n",
                cores, JniUtils.getNumInteropThreads(), n, n, seconds);
        JniUtils.setNumThreads(1);
        int[] seen = new int[1];
        Thread fresh = new Thread(() -> seen[0] = JniUtils.getNumThreads());
        fresh.start();
        fresh.join();
        System.out.printf(Locale.ROOT, "after setNumThreads(1) on the main thread: main sees %d, a new thread sees %d%n",
                JniUtils.getNumThreads(), seen[0]);
        System.out.println("java_threads intra_op GFLOP/s(total)");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            a.matMul(b).close();
            for (int javaThreads = 1; javaThreads <= cores; javaThreads++) {
                for (int intra = 1; intra <= cores; intra++) {
                    double gflops = aggregate(a, b, javaThreads, intra, seconds);
                    System.out.printf(Locale.ROOT, "%d %d %.1f%s%n", javaThreads, intra, gflops,
                            javaThreads * intra > cores ? "  (oversubscribed)" : "");
                }
            }
        }
    }

    /** GFLOP/s summed over {@code threads} Java threads multiplying for {@code seconds}. */
    private static double aggregate(NDArray a, NDArray b, int threads, int intra, double seconds) throws Exception {
        long n = a.getShape().get(0);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long end = System.nanoTime() + (long) (seconds * 1e9);
            List<Future<Integer>> counts = new ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                counts.add(pool.submit(() -> {
                    // with OpenMP the intra-op setting belongs to the calling thread: set it on each caller
                    JniUtils.setNumThreads(intra);
                    int done = 0;
                    while (System.nanoTime() < end) {
                        try (NDArray c = a.matMul(b)) {
                            c.getFloat(0, 0);
                        }
                        done++;
                    }
                    return done;
                }));
            }
            int total = 0;
            for (Future<Integer> f : counts) {
                total += f.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            return total * 2.0 * n * n * n / elapsed / 1e9;
        } finally {
            pool.shutdown();
        }
    }
}
