package org.segearth.serve;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import org.segearth.api.InvalidInputException;

/**
 * How {@link SegEarthServer} listens and what it accepts. {@link #defaults()} binds to
 * {@code 127.0.0.1:8080}, runs one segmentation at a time with 4 more waiting at most 30 s each,
 * gives each 120 s, and accepts requests of up to 32 MiB and images of up to 4096 x 4096 pixels.
 *
 * <pre>{@code
 * ServeConfig config = ServeConfig.defaults().withPort(0).withQueue(1, 8, Duration.ofSeconds(10));
 * }</pre>
 *
 * @param host the address to bind; anything but a loopback address requires {@code apiKey}
 * @param port the port; 0 picks a free one
 * @param apiKey the key clients send as {@code Authorization: Bearer KEY} or {@code X-API-Key}; empty: none
 * @param workers segmentations that run at once (they share one {@code Segmenter})
 * @param queueSize requests that may wait for a worker; one more is answered 503 at once
 * @param queueWait the longest a request waits for a worker before it is answered 503
 * @param timeLimit the longest a request waits for its segmentation once started (then 504)
 * @param maxRequestBytes the largest request body (then 413)
 * @param maxPixels the largest image, width x height (then 413)
 */
public record ServeConfig(String host, int port, Optional<String> apiKey, int workers, int queueSize,
        Duration queueWait, Duration timeLimit, long maxRequestBytes, long maxPixels) {

    public ServeConfig {
        if (host == null || host.isBlank()) {
            throw new InvalidInputException("--host is empty; give an address such as 127.0.0.1");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidInputException("--port " + port + " is not a port; use 1..65535, or 0 for a free one");
        }
        apiKey = apiKey == null ? Optional.empty() : apiKey.map(String::strip).filter(k -> !k.isEmpty());
        positive("--workers", workers);
        if (queueSize < 0) {
            throw new InvalidInputException("--queue-size " + queueSize + " is negative; use 0 or more");
        }
        if (queueWait == null || queueWait.isNegative()) {
            throw new InvalidInputException("--queue-wait must be 0 or more seconds");
        }
        if (timeLimit == null || timeLimit.isNegative() || timeLimit.isZero()) {
            throw new InvalidInputException("--time-limit must be more than 0 seconds");
        }
        positive("--max-request-mb", maxRequestBytes);
        positive("--max-pixels", maxPixels);
        if (apiKey.isEmpty() && !isLoopback(host)) {
            throw new InvalidInputException("--host " + host + " is reachable from other machines; set an API key"
                    + " (SEGEARTH_API_KEY or --api-key-file) to bind to it, or bind to 127.0.0.1");
        }
    }

    /** The defaults: 127.0.0.1:8080, no key, 1 worker, 4 waiting for at most 30 s, 120 s, 32 MiB, 4096 x 4096. */
    public static ServeConfig defaults() {
        return new ServeConfig("127.0.0.1", 8080, Optional.empty(), 1, 4, Duration.ofSeconds(30),
                Duration.ofSeconds(120), 32L << 20, 4096L * 4096L);
    }

    /** This configuration bound to {@code host}. */
    public ServeConfig withHost(String host) {
        return new ServeConfig(host, port, apiKey, workers, queueSize, queueWait, timeLimit, maxRequestBytes, maxPixels);
    }

    /** This configuration on {@code port} (0: a free one). */
    public ServeConfig withPort(int port) {
        return new ServeConfig(host, port, apiKey, workers, queueSize, queueWait, timeLimit, maxRequestBytes, maxPixels);
    }

    /** This configuration with the API key {@code key} (null or blank: none). */
    public ServeConfig withApiKey(String key) {
        return new ServeConfig(host, port, Optional.ofNullable(key), workers, queueSize, queueWait, timeLimit,
                maxRequestBytes, maxPixels);
    }

    /** This configuration with {@code workers}, a queue of {@code queueSize} and its longest wait. */
    public ServeConfig withQueue(int workers, int queueSize, Duration queueWait) {
        return new ServeConfig(host, port, apiKey, workers, queueSize, queueWait, timeLimit, maxRequestBytes, maxPixels);
    }

    /** This configuration with the per-request time limit {@code timeLimit}. */
    public ServeConfig withTimeLimit(Duration timeLimit) {
        return new ServeConfig(host, port, apiKey, workers, queueSize, queueWait, timeLimit, maxRequestBytes, maxPixels);
    }

    /** This configuration with the largest request body and image. */
    public ServeConfig withLimits(long maxRequestBytes, long maxPixels) {
        return new ServeConfig(host, port, apiKey, workers, queueSize, queueWait, timeLimit, maxRequestBytes, maxPixels);
    }

    /** Whether {@code host} names only this machine (a loopback address, or {@code localhost}). */
    static boolean isLoopback(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host.strip());
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            throw new InvalidInputException("--host " + host + " is not a known address of this machine");
        }
    }

    private static void positive(String option, long value) {
        if (value <= 0) {
            throw new InvalidInputException(option + " " + value + " must be positive");
        }
    }
}
