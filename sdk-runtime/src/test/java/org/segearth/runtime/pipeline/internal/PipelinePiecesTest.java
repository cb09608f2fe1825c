package org.segearth.runtime.pipeline.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.Manifest;

class PipelinePiecesTest {

    private static final Manifest.PhrasePosition BEFORE = Manifest.PhrasePosition.BEFORE;
    private static final Manifest.PhrasePosition AFTER = Manifest.PhrasePosition.AFTER;

    @Test
    void phrasesAreTheTrimmedTextBeforeEachSeg() {
        assertEquals(List.of("the ships", "and the port"),
                Phrases.fromText("  the ships [SEG] and the port [SEG] done", "[SEG]", 2, BEFORE));
        assertEquals(List.of(), Phrases.fromText("nothing here", "[SEG]", 0, BEFORE));
        assertNull(Phrases.fromText("one [SEG]", "[SEG]", 2, BEFORE));
    }

    @Test
    void phrasesAfterEachSegLoseTheirTrailingConjunctionAndPunctuation() {
        assertEquals(List.of("water", "unpaved land", "roads"),
                Phrases.fromText("Sure, [SEG] water, [SEG] unpaved land and [SEG] roads.", "[SEG]", 3, AFTER));
        assertEquals(List.of("water"), Phrases.fromText("sure, [SEG] water.", "[SEG]", 1, AFTER));
        assertEquals(List.of(""), Phrases.fromText("[SEG]", "[SEG]", 1, AFTER));
        assertNull(Phrases.fromText("Sure, [SEG] water.", "[SEG]", 2, AFTER));
    }

    @Test
    void logitsGoThroughTheFrameTheCropAndTheOriginalSize() {
        try (NDManager m = Engines.newManager()) {
            NDArray logits = m.create(new float[] {-1, 1, 1, -1}, new Shape(1, 2, 2));
            NDArray full = MaskPostprocessor.toOriginal(logits, 8, 4, 8, 3, 6);
            assertEquals(new Shape(1, 3, 6), full.getShape());
            NDArray empty = MaskPostprocessor.toOriginal(m.zeros(new Shape(0, 2, 2)), 8, 4, 8, 3, 6);
            assertEquals(new Shape(0, 3, 6), empty.getShape());
            float[] scores = MaskPostprocessor.scores(m.create(new float[] {0, 2, -3, 5, -1, -1}, new Shape(2, 1, 3)),
                    m.create(new boolean[] {false, true, false, false, false, false}, new Shape(2, 1, 3)));
            assertEquals(1 / (1 + Math.exp(-2)), scores[0], 1e-6);
            assertEquals(0, scores[1]);
        }
    }

    @Test
    void cacheKeepsAtMostItsCapacityAndFreesEvictedEntriesAfterTheirLastUse() {
        try (NDManager root = Engines.newManager(); FeatureCache cache = new FeatureCache(root, 1)) {
            AtomicInteger encodings = new AtomicInteger();
            RgbImage a = RgbImage.of(2, 2, new byte[12]);
            RgbImage b = RgbImage.of(2, 2, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            FeatureCache.Lease first = cache.acquire(a, m -> encoding(m, encodings));
            FeatureCache.Lease again = cache.acquire(RgbImage.of(2, 2, new byte[12]), m -> encoding(m, encodings));
            assertTrue(again.hit());
            assertEquals(1, encodings.get());
            NDArray held = first.encoding().imageEmbeds();
            try (FeatureCache.Lease other = cache.acquire(b, m -> encoding(m, encodings))) {
                assertFalse(other.hit());
                assertEquals(1, cache.size());
            }
            assertFalse(held.isReleased(), "an evicted entry stays alive while in use");
            first.close();
            assertFalse(held.isReleased());
            again.close();
            assertTrue(held.isReleased(), "the last user frees an evicted entry");
        }
    }

    @Test
    void cacheOfSizeZeroKeepsNothing() {
        try (NDManager root = Engines.newManager(); FeatureCache cache = new FeatureCache(root, 0)) {
            AtomicInteger encodings = new AtomicInteger();
            RgbImage a = RgbImage.of(2, 2, new byte[12]);
            NDArray embeds;
            try (FeatureCache.Lease l = cache.acquire(a, m -> encoding(m, encodings))) {
                embeds = l.encoding().imageEmbeds();
            }
            assertTrue(embeds.isReleased());
            cache.acquire(a, m -> encoding(m, encodings)).close();
            assertEquals(2, encodings.get());
            assertEquals(0, cache.size());
        }
    }

    @Test
    void prefetchEncodesTheMissingImagesInOneCallAndTheirCallsThenHit() {
        try (NDManager root = Engines.newManager(); FeatureCache cache = new FeatureCache(root, 3)) {
            AtomicInteger encodings = new AtomicInteger();
            AtomicInteger batches = new AtomicInteger();
            RgbImage a = RgbImage.of(2, 2, new byte[12]);
            RgbImage b = RgbImage.of(2, 2, new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            RgbImage c = RgbImage.of(2, 2, new byte[] {2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
            cache.acquire(a, m -> encoding(m, encodings)).close();
            java.util.function.BiFunction<List<NDManager>, List<RgbImage>, List<ImageEncoding>> batch = (managers, images) -> {
                batches.incrementAndGet();
                assertEquals(managers.size(), images.size());
                return managers.stream().map(m -> encoding(m, encodings)).toList();
            };
            // a is cached, b comes twice: one batch of b and c
            assertEquals(2, cache.prefetch(List.of(a, b, RgbImage.of(2, 2, b.toBytes()), c), batch));
            assertEquals(1, batches.get());
            assertEquals(3, encodings.get());
            assertEquals(3, cache.size());
            for (RgbImage image : List.of(a, b, c)) {
                try (FeatureCache.Lease l = cache.acquire(image, m -> encoding(m, encodings))) {
                    assertTrue(l.hit());
                }
            }
            assertEquals(0, cache.prefetch(List.of(b, c), batch), "nothing left to encode");
            assertEquals(3, encodings.get());
        }
        try (NDManager root = Engines.newManager(); FeatureCache none = new FeatureCache(root, 0)) {
            assertEquals(0, none.prefetch(List.of(RgbImage.of(2, 2, new byte[12])), (managers, images) -> {
                throw new AssertionError("a cache that keeps nothing prefetches nothing");
            }));
        }
    }

    @Test
    void overlayPrefersTrainedKeys() {
        try (NDManager m = Engines.newManager()) {
            MapWeights base = new MapWeights(m, java.util.Map.of("a.w", m.create(new float[] {1}), "a.b", m.create(new float[] {2})));
            MapWeights trained = new MapWeights(m, java.util.Map.of("mllm.a.w", m.create(new float[] {9})));
            var w = OverlayWeights.of(base, trained, "mllm").prefix("a");
            assertArrayEquals(new float[] {9}, w.get("w").toFloatArray());
            assertArrayEquals(new float[] {2}, w.get("b").toFloatArray());
            assertEquals(java.util.Set.of("w", "b"), w.keys());
            assertTrue(OverlayWeights.of(base, null, "mllm") == base);
        }
    }

    private static ImageEncoding encoding(NDManager m, AtomicInteger count) {
        count.incrementAndGet();
        return new ImageEncoding(2, 2, m.zeros(new Shape(1, 3, 4, 4)), m.zeros(new Shape(1, 3, 8, 8)), 8, 8, null,
                m.zeros(new Shape(1, 4, 5)), List.of(m.zeros(new Shape(1, 2, 2, 2))));
    }
}
