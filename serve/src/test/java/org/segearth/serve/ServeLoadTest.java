package org.segearth.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.segearth.api.Segmenter;

/**
 * A bounded burst on loopback: 8 clients send 200 requests in all (three tiles, two answers, so a
 * mixed-up result would show) to one worker with 4 places in its queue. Every request must be
 * answered 200 with exactly the result the same request gets alone, or 503 with Retry-After;
 * nothing else, nothing lost. Throughput, p50/p95 latency and the 503 count are printed and written
 * to {@code target/load-test.txt}; they are measurements, not assertions.
 */
class ServeLoadTest {

    private static final int CLIENTS = 8;
    private static final int REQUESTS = 200;
    private static final String[] TILES = {"dubai-tile3-part004-crop.jpg", "dubai-tile1-part001.jpg", "dubai-tile1-part002.jpg"};
    private static final String[] ANSWERS = {"sure, [SEG] water and [SEG] roads.", "sure, [SEG] buildings."};
    /** A client that was answered 503 pauses this long before its next request. */
    private static final long PAUSE_AFTER_503_MS = 200;

    /** What must not differ between a request alone and the same request in the burst. */
    private static String essence(JsonObject result) {
        StringBuilder b = new StringBuilder(result.get("answer").getAsString());
        for (JsonElement e : result.getAsJsonArray("targets")) {
            JsonObject t = e.getAsJsonObject();
            b.append('|').append(t.get("phrase").getAsString()).append(' ').append(t.get("score").getAsDouble())
                    .append(' ').append(t.getAsJsonObject("mask").get("counts").getAsString());
        }
        return b.toString();
    }

    @Test
    void aBurstIsServedOrRefusedNeverLostOrMixedUp() throws Exception {
        ServeConfig config = ServeConfig.defaults().withPort(0).withQueue(1, 4, Duration.ofMinutes(10));
        try (SegEarthServer server = SegEarthServer.start(config, Segmenter.builder(), "the embedded demo model")) {
            server.awaitReady(Duration.ofMinutes(5));
            int port = server.port();
            byte[][] images = new byte[TILES.length][];
            for (int i = 0; i < TILES.length; i++) {
                images[i] = Http.example(TILES[i]);
            }
            // the reference: each request alone
            String[][] expected = new String[TILES.length][ANSWERS.length];
            for (int i = 0; i < TILES.length; i++) {
                for (int a = 0; a < ANSWERS.length; a++) {
                    Http.Answer r = Http.segment(port, images[i], Http.fields("instruction", "segment them", "answer", ANSWERS[a]));
                    assertEquals(200, r.status(), String.valueOf(r.json()));
                    expected[i][a] = essence(r.json());
                }
            }

            AtomicInteger next = new AtomicInteger();
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger busy = new AtomicInteger();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            ConcurrentHashMap<Integer, String> failures = new ConcurrentHashMap<>();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int n = next.getAndIncrement(); n < REQUESTS; n = next.getAndIncrement()) {
                        int tile = n % TILES.length;
                        int answer = (n / TILES.length) % ANSWERS.length;
                        long t0 = System.nanoTime();
                        Http.Answer r = Http.segment(port, images[tile],
                                Http.fields("instruction", "segment them", "answer", ANSWERS[answer]));
                        long elapsed = System.nanoTime() - t0;
                        if (r.status() == 200 && expected[tile][answer].equals(essence(r.json()))) {
                            ok.incrementAndGet();
                            latencies.add(elapsed);
                        } else if (r.status() == 503 && r.raw().headers().firstValue("Retry-After").isPresent()) {
                            busy.incrementAndGet();
                            Thread.sleep(PAUSE_AFTER_503_MS);
                        } else {
                            failures.put(n, r.status() + " " + r.raw().body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            clients.shutdown();

            assertTrue(failures.isEmpty(), "wrong or unexpected answers: " + failures);
            assertEquals(REQUESTS, ok.get() + busy.get(), "every request is answered");
            assertTrue(ok.get() > 0, "some requests are served");

            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            String report = String.format(Locale.ROOT,
                    "load test: %d clients, %d requests in %.1f s: %d served (%.2f per s), %d refused with 503;"
                            + " latency of served requests p50 %.0f ms, p95 %.0f ms (1 worker, queue of 4, %d cores)",
                    CLIENTS, REQUESTS, seconds, ok.get(), ok.get() / seconds, busy.get(),
                    percentile(sorted, 0.50) / 1e6, percentile(sorted, 0.95) / 1e6,
                    Runtime.getRuntime().availableProcessors());
            System.out.println(report);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "load-test.txt"), report + "\n", StandardCharsets.UTF_8);
        }
    }

    private static double percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
