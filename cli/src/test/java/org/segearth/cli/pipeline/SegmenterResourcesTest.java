package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;
import org.segearth.runtime.pipeline.DefaultSegmenter;

/** Native memory stays flat over many calls, and concurrent calls give what one thread gives. */
class SegmenterResourcesTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void fiveHundredCallsKeepNativeMemoryFlatAndGiveIdenticalResults() throws IOException {
        Path pkg = TinyModel.create(dir);
        BufferedImage image = TinyModel.image();
        try (DefaultSegmenter seg = (DefaultSegmenter) Segmenter.builder().model(pkg).maxNewTokens(3).build()) {
            BaseNDManager root = (BaseNDManager) seg.model().manager();
            SegmentationResult first = seg.segment(image, "segment the ships");
            for (int i = 1; i < 100; i++) {
                assertSame(first, seg.segment(image, "segment the ships"));
            }
            int arrays = root.getManagedArrays().size();
            long before = nativeBytes();
            for (int i = 100; i < 500; i++) {
                assertSame(first, seg.segment(image, "segment the ships"));
            }
            long growth = nativeBytes() - before;
            System.out.printf("500 calls: arrays %d -> %d, RSS outside the Java heap %d MiB, growth %d KiB%n", arrays,
                    root.getManagedArrays().size(), before / MIB, growth / 1024);
            assertEquals(arrays, root.getManagedArrays().size(), "arrays left behind by segment()");
            assertTrue(growth < 64 * MIB, "native memory grew by " + growth / MIB + " MiB over 400 calls");
        }
    }

    @Test
    void fourThreadsGiveWhatOneThreadGives() throws Exception {
        Path pkg = TinyModel.create(dir);
        List<BufferedImage> images = List.of(TinyModel.image(), flipped(TinyModel.image()));
        List<String> instructions = List.of("segment the ships", "where are the planes?", "segment the water");
        try (Segmenter seg = Segmenter.builder().model(pkg).maxNewTokens(3).featureCacheSize(1).build()) {
            List<SegmentationResult> expected = new ArrayList<>();
            for (BufferedImage im : images) {
                for (String ins : instructions) {
                    expected.add(seg.segment(im, ins));
                    expected.add(seg.segmentWithAnswer(ImageSource.of(im), ins, "them [SEG] and it [SEG]"));
                }
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<SegmentationResult>>> futures = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    futures.add(pool.submit(() -> {
                        List<SegmentationResult> out = new ArrayList<>();
                        for (int round = 0; round < 2; round++) {
                            for (BufferedImage im : images) {
                                for (String ins : instructions) {
                                    out.add(seg.segment(im, ins));
                                    out.add(seg.segmentWithAnswer(ImageSource.of(im), ins, "them [SEG] and it [SEG]"));
                                }
                            }
                        }
                        return out;
                    }));
                }
                for (Future<List<SegmentationResult>> f : futures) {
                    List<SegmentationResult> got = f.get();
                    for (int i = 0; i < got.size(); i++) {
                        assertSame(expected.get(i % expected.size()), got.get(i));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static void assertSame(SegmentationResult expected, SegmentationResult actual) {
        assertEquals(expected.answer(), actual.answer());
        assertEquals(expected.targets().size(), actual.targets().size());
        for (int i = 0; i < expected.targets().size(); i++) {
            Target e = expected.targets().get(i);
            Target a = actual.targets().get(i);
            assertEquals(e.phrase(), a.phrase());
            assertEquals(e.mask(), a.mask());
            assertEquals(e.score(), a.score());
        }
    }

    private static BufferedImage flipped(BufferedImage in) {
        BufferedImage out = new BufferedImage(in.getWidth(), in.getHeight(), BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < in.getHeight(); y++) {
            for (int x = 0; x < in.getWidth(); x++) {
                out.setRGB(in.getWidth() - 1 - x, y, in.getRGB(x, y));
            }
        }
        return out;
    }

    /**
     * The resident set size minus the JVM's committed heap and non-heap memory, after a collection:
     * native memory, with the JVM's own growth (other tests share this JVM) taken out. The exact
     * leak check is the count of managed arrays; this one catches native memory outside them.
     */
    private static long nativeBytes() throws IOException {
        System.gc();
        MemoryMXBean jvm = ManagementFactory.getMemoryMXBean();
        return rssBytes() - jvm.getHeapMemoryUsage().getCommitted() - jvm.getNonHeapMemoryUsage().getCommitted();
    }

    /** The resident set size of this process, from {@code /proc/self/status}. */
    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return 0;
    }
}
