package org.segearth.runtime.pipeline.internal;

import ai.djl.ndarray.NDManager;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.ImageEncoding;

/**
 * A bounded, thread-safe cache of image encodings (both branches) keyed by the image's content
 * (size and SHA-256 of its pixels), least recently used out first. Entries are reference
 * counted: an evicted entry's arrays are freed once the last call using it is done.
 *
 * <pre>{@code
 * try (FeatureCache.Lease lease = cache.acquire(image, m -> model.encodeImage(m, image, false, timer))) {
 *     ImageEncoding encoding = lease.encoding();
 * }
 * }</pre>
 */
public final class FeatureCache implements AutoCloseable {

    private final NDManager parent;
    private final int capacity;
    private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long hits;
    private long misses;

    /** A cache of at most {@code capacity} images (0: nothing is kept) whose arrays live below {@code parent}. */
    public FeatureCache(NDManager parent, int capacity) {
        this.parent = parent;
        this.capacity = capacity;
    }

    /** The encoding of {@code image}, computed with {@code encode} (given the entry's manager) when missing. */
    public Lease acquire(RgbImage image, Function<NDManager, ImageEncoding> encode) {
        Key key = Key.of(image);
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                hits++;
                e.users++;
                return new Lease(e, true);
            }
            misses++;
        }
        NDManager manager = parent.newSubManager();
        ImageEncoding encoding;
        try {
            encoding = encode.apply(manager);
        } catch (RuntimeException ex) {
            manager.close();
            throw ex;
        }
        return store(key, new Entry(manager, encoding));
    }

    /**
     * Encodes the images not cached yet (each once) in one call of {@code encode}, given one
     * manager per image in order, and caches them for the calls that follow; returns how many it
     * encoded. Nothing is encoded when the cache keeps nothing (capacity 0), and the caller should
     * prefetch no more images than {@link #capacity()}, or the first are evicted by the last.
     */
    public int prefetch(List<RgbImage> images,
            BiFunction<List<NDManager>, List<RgbImage>, List<ImageEncoding>> encode) {
        if (capacity == 0 || images.isEmpty()) {
            return 0;
        }
        List<Key> keys = new ArrayList<>();
        List<RgbImage> missing = new ArrayList<>();
        synchronized (this) {
            for (RgbImage image : images) {
                Key key = Key.of(image);
                if (!entries.containsKey(key) && !keys.contains(key)) {
                    keys.add(key);
                    missing.add(image);
                    misses++;
                }
            }
        }
        if (missing.isEmpty()) {
            return 0;
        }
        List<NDManager> managers = new ArrayList<>();
        List<ImageEncoding> encodings;
        try {
            for (int i = 0; i < missing.size(); i++) {
                managers.add(parent.newSubManager());
            }
            encodings = encode.apply(managers, missing);
        } catch (RuntimeException ex) {
            managers.forEach(NDManager::close);
            throw ex;
        }
        for (int i = 0; i < keys.size(); i++) {
            store(keys.get(i), new Entry(managers.get(i), encodings.get(i))).close();
        }
        return missing.size();
    }

    /** The most images kept. */
    public int capacity() {
        return capacity;
    }

    private synchronized Lease store(Key key, Entry fresh) {
        Entry existing = entries.get(key);
        if (existing != null) { // another call encoded the same image meanwhile
            fresh.manager.close();
            existing.users++;
            return new Lease(existing, true);
        }
        fresh.users = 1;
        if (capacity == 0) {
            fresh.evicted = true;
            return new Lease(fresh, false);
        }
        entries.put(key, fresh);
        Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            Entry old = it.next().getValue();
            it.remove();
            evict(old);
        }
        return new Lease(fresh, false);
    }

    private static void evict(Entry e) {
        e.evicted = true;
        if (e.users == 0) {
            e.manager.close();
        }
    }

    private synchronized void release(Entry e) {
        e.users--;
        if (e.evicted && e.users == 0) {
            e.manager.close();
        }
    }

    /** Images cached now. */
    public synchronized int size() {
        return entries.size();
    }

    /** Calls that found their image cached. */
    public synchronized long hits() {
        return hits;
    }

    /** Calls that encoded their image. */
    public synchronized long misses() {
        return misses;
    }

    /** Drops every entry (freed once no call uses it). */
    @Override
    public synchronized void close() {
        entries.values().forEach(FeatureCache::evict);
        entries.clear();
    }

    private static final class Entry {
        final NDManager manager;
        final ImageEncoding encoding;
        int users;
        boolean evicted;

        Entry(NDManager manager, ImageEncoding encoding) {
            this.manager = manager;
            this.encoding = encoding;
        }
    }

    /** A call's use of a cached encoding; close it when the call is done. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private final boolean hit;
        private boolean released;

        private Lease(Entry entry, boolean hit) {
            this.entry = entry;
            this.hit = hit;
        }

        /** The encoding, valid until {@link #close()}. */
        public ImageEncoding encoding() {
            return entry.encoding;
        }

        /** Whether the encoding came from the cache. */
        public boolean hit() {
            return hit;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(entry);
            }
        }
    }

    private record Key(int width, int height, byte[] digest) {
        static Key of(RgbImage image) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                sha.update(ByteBuffer.allocate(8).putInt(image.width()).putInt(image.height()).array());
                sha.update(image.buffer());
                return new Key(image.width(), image.height(), sha.digest());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.width == width && k.height == height && Arrays.equals(k.digest, digest);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(digest);
        }
    }
}
