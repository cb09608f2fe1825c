package org.segearth.runtime.image;

import java.util.Locale;

/**
 * How many image pixels this JVM's heap can afford. Segmenting holds, at the image's original
 * size and on the Java heap, the decoded RGB image (3 bytes per pixel), at most one transient
 * copy of it (3), one mask as bytes while it is packed (1) and the packed masks (1/8 each):
 * {@link #PIPELINE_BYTES_PER_PIXEL} bytes per pixel in all, rounded up. The model's weights and
 * tensors live outside the heap and do not count here.
 */
final class HeapBudget {

    /** Heap bytes per original-size pixel that one segmentation holds at its peak. */
    static final int PIPELINE_BYTES_PER_PIXEL = 8;

    /** Heap kept for everything else (tokenizer, configuration, small buffers). */
    static final long RESERVE_BYTES = 256L << 20;

    /** The default limit never goes below 1024 x 1024, the mask branch's own input. */
    static final long MIN_PIXELS = 1024L * 1024L;

    private HeapBudget() {}

    /** The default pixel limit for a heap of {@code maxHeap} bytes, at most {@code ceiling}. */
    static long maxPixels(long maxHeap, long ceiling) {
        long affordable = (maxHeap - RESERVE_BYTES) / PIPELINE_BYTES_PER_PIXEL;
        return Math.min(ceiling, Math.max(MIN_PIXELS, affordable));
    }

    /** This JVM's maximum heap ({@code -Xmx}). */
    static long maxHeap() {
        return Runtime.getRuntime().maxMemory();
    }

    /** {@code bytes} as "1.5 GiB" or "300 MiB". */
    static String format(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
