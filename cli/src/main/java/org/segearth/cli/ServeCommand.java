package org.segearth.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegmenterBuilder;
import org.segearth.serve.SegEarthServer;
import org.segearth.serve.ServeConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code segearth serve}: the REST API and the web page around one model. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {
            "Serves the REST API and the web page with one model for every request.",
            "Endpoints: /v1/segment, /v1/model, /v1/health, /v1/ready, /v1/openapi.json",
            "and the page at /; runs until Ctrl-C. A GeoTIFF's targets also come back",
            "as GeoJSON (WGS 84 longitude/latitude).",
            "Binds to 127.0.0.1; binding any other address needs an API key",
            "(SEGEARTH_API_KEY or --api-key-file), which clients send as",
            "'Authorization: Bearer KEY' or 'X-API-Key: KEY'."})
final class ServeCommand implements Callable<Integer>, ErrorHandler.Described {

    @Mixin
    ModelOptions model;

    @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "H", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "8080", paramLabel = "N", description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--api-key-file", paramLabel = "FILE",
            description = "File holding the API key (else the SEGEARTH_API_KEY environment variable, else none).")
    Path apiKeyFile;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu or gpu:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--max-new-tokens", defaultValue = "128", description = "Most tokens of an answer (default: ${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--workers", defaultValue = "1", description = "Segmentations that run at once (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--queue-size", defaultValue = "4",
            description = "Requests that may wait for a worker; more are answered 503 (default: ${DEFAULT-VALUE}).")
    int queueSize;

    @Option(names = "--queue-wait", defaultValue = "30", paramLabel = "S",
            description = "Seconds a request may wait for a worker before a 503 (default: ${DEFAULT-VALUE}).")
    long queueWait;

    @Option(names = "--time-limit", defaultValue = "120", paramLabel = "S",
            description = "Seconds a segmentation may take before a 504 (default: ${DEFAULT-VALUE}).")
    long timeLimit;

    @Option(names = "--max-request-mb", defaultValue = "32", paramLabel = "MB",
            description = "Largest request body in MiB; larger is 413 (default: ${DEFAULT-VALUE}).")
    long maxRequestMb;

    @Option(names = "--max-pixels", defaultValue = "16777216", paramLabel = "N",
            description = "Largest image or GeoTIFF scene, width x height; larger is 413 (default: ${DEFAULT-VALUE},"
                    + " 4096 x 4096). Larger scenes: segment --image scene.tif, which tiles them.")
    long maxPixels;

    @Spec
    CommandSpec spec;

    @Override
    public String work() {
        return "serving " + model.described();
    }

    @Override
    public Integer call() throws Exception {
        Inputs.checkDevice(device);
        ServeConfig config = new ServeConfig(host, port, java.util.Optional.ofNullable(apiKey()), workers, queueSize,
                Duration.ofSeconds(queueWait), Duration.ofSeconds(timeLimit), maxRequestMb << 20, maxPixels);
        SegmenterBuilder builder = model.builder(model.root())
                .device(device)
                .maxNewTokens(maxNewTokens)
                .attentionHeatmaps(true);
        String name = model.label();
        CountDownLatch stopped = new CountDownLatch(1);
        try (SegEarthServer server = SegEarthServer.start(config, builder, name)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown, "segearth-serve-stop"));
            var err = spec.commandLine().getErr();
            String shown = host.contains(":") ? "[" + host + "]" : host;
            err.println("serving " + name + " at http://" + shown + ":" + server.port() + "/ (API: /v1/, Ctrl-C stops)");
            err.flush();
            server.awaitReady(Duration.ofDays(1));
            err.println("model loaded; ready");
            err.flush();
            stopped.await();
        }
        return ExitCodes.OK;
    }

    /** The key from --api-key-file, else SEGEARTH_API_KEY, else null. */
    private String apiKey() throws IOException {
        if (apiKeyFile != null) {
            if (!Files.isRegularFile(apiKeyFile)) {
                throw new InvalidInputException("--api-key-file " + apiKeyFile + " does not exist or is not a file");
            }
            String key = Files.readString(apiKeyFile, StandardCharsets.UTF_8).strip();
            if (key.isEmpty() || key.contains("\n")) {
                throw new InvalidInputException("--api-key-file " + apiKeyFile + " must hold the key on one line");
            }
            return key;
        }
        String env = System.getenv("SEGEARTH_API_KEY");
        return env == null || env.isBlank() ? null : env.strip();
    }
}
