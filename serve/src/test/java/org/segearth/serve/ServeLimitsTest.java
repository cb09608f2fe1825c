package org.segearth.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.Mask;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.Target;

/**
 * The queue, the limits and the API key, with a segmenter that holds each call until the test
 * releases it: what is admitted, refused or timed out depends on the order of events, not on speed.
 */
class ServeLimitsTest {

    /** Holds every call until {@link #release}; answers one target covering the image. */
    static final class HeldSegmenter implements Segmenter {
        final CountDownLatch gate = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();

        void release() {
            gate.countDown();
        }

        @Override
        public SegmentationResult segment(ImageSource image, String instruction) {
            return segmentWithAnswer(image, instruction, "[SEG]");
        }

        @Override
        public SegmentationResult segmentWithAnswer(ImageSource image, String instruction, String answer) {
            calls.incrementAndGet();
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ImageSource.Rgb rgb = (ImageSource.Rgb) image;
            Mask all = Mask.fromBooleans(filled(rgb.width() * rgb.height()), rgb.width(), rgb.height());
            return new SegmentationResult(instruction, List.of(new Target(0, instruction, all, 1.0, Optional.empty())),
                    rgb.width(), rgb.height(), List.of());
        }

        private static boolean[] filled(int n) {
            boolean[] b = new boolean[n];
            java.util.Arrays.fill(b, true);
            return b;
        }

        @Override
        public void close() {}
    }

    private static SegEarthServer start(ServeConfig config, Segmenter segmenter) throws Exception {
        SegEarthServer server = SegEarthServer.start(config.withPort(0), () -> segmenter,
                Segmenter.builder().settings(), "a held test segmenter");
        server.awaitReady(Duration.ofMinutes(1));
        return server;
    }

    private static CompletableFuture<Http.Answer> async(int port, byte[] image, String instruction) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return Http.segment(port, image, Http.fields("instruction", instruction));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * Waits (polling, without a time budget of its own) until {@code n} jobs are admitted; fails if
     * a request that should be held was answered instead.
     */
    private static void awaitAdmitted(SegEarthServer server, int n, List<CompletableFuture<Http.Answer>> held)
            throws Exception {
        while (Http.get(server.port(), "/v1/model").json().getAsJsonObject("queue").get("admitted").getAsInt() < n) {
            for (CompletableFuture<Http.Answer> f : held) {
                if (f.isDone()) {
                    throw new AssertionError("a held request was answered: " + f.get().status() + " " + f.get().json());
                }
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aFullQueueAnswers503WithRetryAfterAndLosesNothing() throws Exception {
        HeldSegmenter held = new HeldSegmenter();
        try (SegEarthServer server = start(ServeConfig.defaults().withQueue(1, 2, Duration.ofMinutes(10)), held)) {
            byte[] tile = Http.example("dubai-tile1-part001.jpg");
            List<CompletableFuture<Http.Answer>> admitted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                admitted.add(async(server.port(), tile, "request " + i));
                awaitAdmitted(server, i + 1, admitted);
            }
            Http.Answer refused = Http.segment(server.port(), tile, Http.fields("instruction", "one too many"));
            assertEquals(503, refused.status());
            assertEquals("60", refused.raw().headers().firstValue("Retry-After").orElse(""), "Retry-After");
            assertTrue(refused.json().get("error").getAsString().startsWith("the service is busy"));
            held.release();
            for (int i = 0; i < 3; i++) {
                Http.Answer a = admitted.get(i).get(5, TimeUnit.MINUTES);
                assertEquals(200, a.status());
                assertEquals("request " + i, a.json().get("answer").getAsString());
            }
            assertEquals(3, held.calls.get());
            assertEquals(200, Http.segment(server.port(), tile, Http.fields("instruction", "after")).status());
        }
    }

    @Test
    void aRequestThatWaitsTooLongForAWorkerIs503AndOneThatRunsTooLongIs504() throws Exception {
        HeldSegmenter held = new HeldSegmenter();
        ServeConfig config = ServeConfig.defaults().withQueue(1, 1, Duration.ofSeconds(1)).withTimeLimit(Duration.ofSeconds(1));
        try (SegEarthServer server = start(config, held)) {
            byte[] tile = Http.example("dubai-tile1-part001.jpg");
            CompletableFuture<Http.Answer> first = async(server.port(), tile, "first");
            while (held.calls.get() == 0) {
                Thread.sleep(10); // the first holds the worker before the second comes
            }
            Http.Answer second = Http.segment(server.port(), tile, Http.fields("instruction", "second"));
            Http.Answer timedOut = first.get(5, TimeUnit.MINUTES);
            // the first holds the only worker: it runs past the time limit, the second never starts
            assertEquals(504, timedOut.status());
            assertTrue(timedOut.json().get("error").getAsString().contains("time limit of 1 s"));
            assertEquals(503, second.status());
            assertTrue(second.json().get("error").getAsString().contains("no worker was free"), second.json().toString());
            held.release();
            assertEquals(200, Http.segment(server.port(), tile, Http.fields("instruction", "later")).status());
        }
    }

    @Test
    void requestsAndImagesOverTheLimitsAre413() throws Exception {
        HeldSegmenter held = new HeldSegmenter();
        held.release();
        try (SegEarthServer server = start(ServeConfig.defaults().withLimits(20_000, 100 * 100), held)) {
            byte[] big = new byte[50_000];
            Http.Answer tooLarge = Http.segment(server.port(), big, Http.fields("instruction", "segment"));
            assertEquals(413, tooLarge.status());
            assertTrue(tooLarge.json().get("error").getAsString().contains("limit of 20000 bytes"), tooLarge.json().toString());
            // without a Content-Length (chunked), the multipart reader stops at the limit
            String boundary = "b";
            byte[] head = ("--b\r\nContent-Disposition: form-data; name=\"instruction\"\r\n\r\nsegment\r\n--b\r\n"
                    + "Content-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] chunked = new byte[head.length + 50_000];
            System.arraycopy(head, 0, chunked, 0, head.length);
            Http.Answer streamed = Http.send(java.net.http.HttpRequest.newBuilder(Http.uri(server.port(), "/v1/segment"))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(
                            () -> new java.io.ByteArrayInputStream(chunked)))
                    .build());
            assertEquals(413, streamed.status(), streamed.raw().body());
            // the 128 x 103 tile has 13184 pixels
            Http.Answer tooMany = Http.segment(server.port(), Http.example("dubai-tile1-part001.jpg"),
                    Http.fields("instruction", "segment"));
            assertEquals(413, tooMany.status());
            assertEquals("image: 128x103 = 13184 pixels, more than this service's limit of 10000 pixels; send a"
                    + " smaller image or tile the scene", tooMany.json().get("error").getAsString());
            assertEquals(0, held.calls.get());
            assertEquals(200, Http.get(server.port(), "/v1/health").status());
        }
    }

    @Test
    void anApiKeyGuardsTheModelAndSegmentRoutes() throws Exception {
        HeldSegmenter held = new HeldSegmenter();
        held.release();
        try (SegEarthServer server = start(ServeConfig.defaults().withApiKey("s3cret"), held)) {
            int port = server.port();
            assertEquals(200, Http.get(port, "/v1/health").status());
            assertEquals(200, Http.get(port, SegEarthServer.OPENAPI_PATH).status());
            assertEquals(401, Http.get(port, "/v1/model").status());
            byte[] tile = Http.example("dubai-tile1-part001.jpg");
            assertEquals(401, Http.segment(port, tile, Http.fields("instruction", "x"), "X-API-Key", "wrong").status());
            assertEquals(200, Http.segment(port, tile, Http.fields("instruction", "x"), "Authorization", "Bearer s3cret").status());
            assertEquals(200, Http.segment(port, tile, Http.fields("instruction", "x"), "X-API-Key", "s3cret").status());
            assertEquals(1 + 1, held.calls.get());
        }
    }

    @Test
    void bindingBeyondLoopbackNeedsAKey() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ServeConfig.defaults().withHost("0.0.0.0"));
        assertTrue(e.getMessage().contains("set an API key"), e.getMessage());
        assertEquals("0.0.0.0", ServeConfig.defaults().withApiKey("k").withHost("0.0.0.0").host());
    }
}
