package org.segearth.runtime.image;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;

/**
 * How many image pixels this JVM and machine can afford for one segmentation. At the image's
 * original size, segmenting holds on the Java heap the decoded RGB image (3 bytes per pixel), at
 * most one transient copy of it (3), one mask as bytes while it is packed (1) and the packed masks
 * (1/8 each): {@link #HEAP_BYTES_PER_PIXEL} in all, rounded up. Outside the heap, the mask of one
 * target is resized to the original size as float32 logits and scored, about
 * {@link #NATIVE_BYTES_PER_PIXEL} bytes per pixel (measured: 21.8 for an 8000 x 8000 JPEG with the
 * demo model), which must fit in the machine's memory beside the heap. The model's own weights are
 * not counted.
 */
final class MemoryBudget {

    /** Heap bytes per original-size pixel that one segmentation holds at its peak. */
    static final int HEAP_BYTES_PER_PIXEL = 8;

    /** Native (engine) bytes per original-size pixel for one target's mask at its peak. */
    static final int NATIVE_BYTES_PER_PIXEL = 24;

    /** Heap kept for everything else (tokenizer, configuration, small buffers). */
    static final long RESERVE_BYTES = 256L << 20;

    /** The default limit never goes below 1024 x 1024, the mask branch's own input. */
    static final long MIN_PIXELS = 1024L * 1024L;

    private MemoryBudget() {}

    /** Pixels a heap of {@code maxHeap} bytes affords. */
    static long heapPixels(long maxHeap) {
        return Math.max(0, maxHeap - RESERVE_BYTES) / HEAP_BYTES_PER_PIXEL;
    }

    /** Pixels the memory beside the heap affords, of {@code physical} bytes in all. */
    static long nativePixels(long maxHeap, long physical) {
        return Math.max(0, physical - maxHeap) / NATIVE_BYTES_PER_PIXEL;
    }

    /** The default pixel limit: what both afford, at least {@link #MIN_PIXELS}, at most {@code ceiling}. */
    static long maxPixels(long maxHeap, long physical, long ceiling) {
        long affordable = Math.min(heapPixels(maxHeap), nativePixels(maxHeap, physical));
        return Math.min(ceiling, Math.max(MIN_PIXELS, affordable));
    }

    /** This JVM's maximum heap ({@code -Xmx}). */
    static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** The machine's (or container's) memory; {@link Long#MAX_VALUE} when the JVM does not tell. */
    static long physicalMemory() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            long total = sun.getTotalMemorySize();
            return total > 0 ? total : Long.MAX_VALUE;
        }
        return Long.MAX_VALUE;
    }

    /** {@code bytes} as "1.5 GiB" or "300 MiB". */
    static String format(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
