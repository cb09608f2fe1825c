package org.segearth.serve;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.javalin.Javalin;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.UploadedFile;
import io.javalin.http.staticfiles.Location;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.segearth.api.Heatmap;
import org.segearth.api.ImageSource;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import org.segearth.api.Target;
import org.segearth.geo.GeoScene;
import org.segearth.geo.SceneImage;
import org.segearth.geo.TargetGeoJson;
import org.segearth.runtime.Instructions;
import org.segearth.runtime.Messages;
import org.segearth.runtime.SdkInfo;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.render.ResultJson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST service and web page of {@code segearth serve}: one {@link Segmenter}, shared by every
 * request, behind a bounded {@link WorkQueue}. The model loads in the background after the server
 * starts; {@code /v1/ready} says when it can segment.
 *
 * <pre>{@code
 * try (SegEarthServer server = SegEarthServer.start(ServeConfig.defaults().withPort(0),
 *         Segmenter.builder().attentionHeatmaps(true), "the embedded demo model")) {
 *     server.awaitReady(Duration.ofMinutes(1));
 *     System.out.println("http://127.0.0.1:" + server.port() + "/");
 * }
 * }</pre>
 */
public final class SegEarthServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SegEarthServer.class);

    /** Where the OpenAPI description is served. */
    public static final String OPENAPI_PATH = "/v1/openapi.json";

    private static final String WEB = "/org/segearth/serve/web";
    private static final String OPENAPI_RESOURCE = "/org/segearth/serve/openapi.json";
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();
    /** The longest one-line message a response carries. */
    private static final int MAX_MESSAGE = 600;

    private final ServeConfig config;
    private final SegmenterBuilder.Settings settings;
    private final String modelName;
    private final WorkQueue queue;
    private final List<String> routes = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch loaded = new CountDownLatch(1);
    private volatile Segmenter segmenter;
    private volatile String loadFailure;
    private final Javalin app;

    private SegEarthServer(ServeConfig config, SegmenterBuilder.Settings settings, String modelName) {
        this.config = config;
        this.settings = settings;
        this.modelName = modelName;
        this.queue = new WorkQueue(config.workers(), config.queueSize());
        this.app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.jetty.defaultHost = config.host();
            c.jetty.multipartConfig.maxFileSize(config.maxRequestBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxTotalRequestSize(config.maxRequestBytes(), SizeUnit.BYTES);
            c.jetty.multipartConfig.maxInMemoryFileSize((int) Math.min(config.maxRequestBytes(), 1 << 24), SizeUnit.BYTES);
            c.http.maxRequestSize = config.maxRequestBytes();
            c.staticFiles.add(s -> {
                s.hostedPath = "/";
                s.directory = WEB;
                s.location = Location.CLASSPATH;
            });
            c.events.handlerAdded(h -> {
                if (h.getHttpMethod().isHttpMethod()) {
                    routes.add(h.getHttpMethod().name() + " " + h.getPath());
                }
            });
        });
        app.before("/v1/*", this::authorize);
        app.get("/v1/health", ctx -> json(ctx, 200, object("status", "ok")));
        app.get("/v1/ready", this::ready);
        app.get("/v1/model", this::model);
        app.post("/v1/segment", this::segment);
        app.get(OPENAPI_PATH, this::openApi);
        app.exception(HttpProblem.class, (e, ctx) -> problem(ctx, e.status, e.getMessage(), e.retryAfter));
        app.exception(InvalidInputException.class, (e, ctx) -> problem(ctx, 422, e.getMessage(), 0));
        app.exception(Exception.class, (e, ctx) -> {
            LOG.warn("request {} {} failed", ctx.method(), ctx.path(), e);
            problem(ctx, 500, e.getClass().getSimpleName() + ": " + e.getMessage(), 0);
        });
    }

    /**
     * Starts listening at once and loads the segmenter {@code builder} describes in the background.
     *
     * @param modelName how {@code /v1/model} names the model (a folder, "the embedded demo model")
     */
    public static SegEarthServer start(ServeConfig config, SegmenterBuilder builder, String modelName) {
        return start(config, builder::build, builder.settings(), modelName);
    }

    /** {@link #start(ServeConfig, SegmenterBuilder, String)} with the segmenter made by {@code loader}. */
    static SegEarthServer start(ServeConfig config, java.util.function.Supplier<Segmenter> loader,
            SegmenterBuilder.Settings settings, String modelName) {
        SegEarthServer server = new SegEarthServer(config, settings, modelName);
        server.app.start(config.host(), config.port());
        Thread load = new Thread(() -> server.load(loader), "segearth-model-load");
        load.setDaemon(true);
        load.start();
        return server;
    }

    private void load(java.util.function.Supplier<Segmenter> loader) {
        try {
            segmenter = loader.get();
            LOG.info("model loaded: {}", modelName);
        } catch (RuntimeException | Error e) {
            loadFailure = oneLine(e.getMessage() == null ? e.toString() : e.getMessage());
            LOG.error("the model cannot be loaded: {}", loadFailure, e);
        } finally {
            loaded.countDown();
        }
    }

    /** The port the server listens on. */
    public int port() {
        return app.port();
    }

    /**
     * Waits until the model has loaded.
     *
     * @throws SegEarthException if it failed to load (the message says why) or did not load in time
     */
    public void awaitReady(java.time.Duration timeout) throws InterruptedException {
        if (!loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new SegEarthException("the model did not load within " + timeout.toSeconds() + " s");
        }
        if (loadFailure != null) {
            throw new SegEarthException(loadFailure);
        }
    }

    /** "METHOD /path" of every HTTP handler registered (for the OpenAPI check). */
    public List<String> routes() {
        synchronized (routes) {
            return List.copyOf(routes);
        }
    }

    @Override
    public void close() {
        app.stop();
        queue.close();
        Segmenter s = segmenter;
        if (s != null) {
            s.close();
        }
    }

    // ---- handlers

    private void authorize(Context ctx) {
        if (config.apiKey().isEmpty() || ctx.path().equals("/v1/health") || ctx.path().equals("/v1/ready")
                || ctx.path().equals(OPENAPI_PATH) || ctx.method() == HandlerType.OPTIONS) {
            return;
        }
        String given = ctx.header("X-API-Key");
        String auth = ctx.header("Authorization");
        if (given == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = auth.substring(7).strip();
        }
        byte[] expected = config.apiKey().get().getBytes(StandardCharsets.UTF_8);
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new HttpProblem(401, given == null ? "this service needs an API key: send it as 'Authorization:"
                    + " Bearer KEY' or 'X-API-Key: KEY'" : "the API key is wrong");
        }
    }

    private void ready(Context ctx) {
        if (segmenter != null) {
            json(ctx, 200, object("ready", true));
        } else {
            JsonObject o = object("ready", false);
            o.addProperty("reason", loadFailure != null ? "the model cannot be loaded: " + loadFailure
                    : "the model is loading");
            ctx.header("Retry-After", "5");
            json(ctx, 503, o);
        }
    }

    private void model(Context ctx) {
        JsonObject o = new JsonObject();
        o.addProperty("model", modelName);
        o.addProperty("sdk_version", SdkInfo.version());
        o.addProperty("ready", segmenter != null);
        o.addProperty("head", settings.head().orElse("(the package's)"));
        o.addProperty("device", settings.device());
        o.addProperty("precision", settings.precision());
        o.addProperty("max_new_tokens", settings.maxNewTokens());
        o.addProperty("attention_heatmaps", settings.attentionHeatmaps());
        JsonObject limits = new JsonObject();
        limits.addProperty("max_request_bytes", config.maxRequestBytes());
        limits.addProperty("max_pixels", config.maxPixels());
        limits.addProperty("time_limit_s", config.timeLimit().toSeconds());
        o.add("limits", limits);
        JsonObject q = new JsonObject();
        q.addProperty("workers", queue.workers());
        q.addProperty("queue_size", queue.queueSize());
        q.addProperty("queue_wait_s", config.queueWait().toSeconds());
        q.addProperty("running", queue.running());
        q.addProperty("admitted", queue.admitted());
        q.addProperty("refused", queue.refused());
        o.add("queue", q);
        json(ctx, 200, o);
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream in = SegEarthServer.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new SegEarthException("the OpenAPI description is missing from the jar");
            }
            ctx.contentType("application/json").result(in.readAllBytes());
        }
    }

    private void segment(Context ctx) throws Exception {
        long length = ctx.req().getContentLengthLong();
        if (length > config.maxRequestBytes()) {
            throw tooLarge(length);
        }
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new HttpProblem(415, "send multipart/form-data with an 'image' file and an 'instruction' field"
                    + " (got " + (type == null ? "no content type" : Messages.abbreviate(type, 80)) + ")");
        }
        UploadedFile file;
        String instruction;
        String answer;
        boolean heatmaps;
        boolean preview;
        try {
            file = ctx.uploadedFile("image");
            instruction = ctx.formParam("instruction");
            answer = ctx.formParam("answer");
            heatmaps = "true".equalsIgnoreCase(ctx.formParam("heatmaps"));
            preview = "true".equalsIgnoreCase(ctx.formParam("preview"));
        } catch (IllegalStateException e) {
            // Jetty refuses a multipart body over the configured sizes while it reads it
            throw tooLarge(length);
        }
        if (file == null) {
            throw new HttpProblem(400, "the multipart field 'image' is missing; send the image file as 'image'");
        }
        Instructions.check("instruction", instruction);
        if (answer != null && answer.isBlank()) {
            answer = null;
        }
        long t0 = System.nanoTime();
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readAllBytes();
        }
        Upload image = decode(bytes);
        double decodeMs = (System.nanoTime() - t0) / 1e6;
        Segmenter s = segmenter;
        if (s == null) {
            throw new HttpProblem(503, loadFailure != null ? "the model cannot be loaded: " + loadFailure
                    : "the model is loading; retry in a few seconds", loadFailure != null ? 0 : 5, null);
        }
        ImageSource source = image.source();
        String forced = answer;
        WorkQueue.Done<SegmentationResult> done = queue.run(
                () -> forced == null ? s.segment(source, instruction) : s.segmentWithAnswer(source, instruction, forced),
                config.queueWait(), config.timeLimit());
        JsonObject body = ResultJson.toJsonObject(done.value());
        JsonObject timings = body.getAsJsonObject("timings");
        timings.addProperty("upload_decode_ms", decodeMs);
        timings.addProperty("queue_ms", done.queuedNanos() / 1e6);
        body.addProperty("mode", forced == null ? "generative" : "teacher-forced");
        if (heatmaps) {
            addHeatmaps(body, done.value());
        }
        if (image.geoJson() != null) {
            long g0 = System.nanoTime();
            body.add("geojson", JsonParser.parseString(image.geoJson().featureCollection(done.value().targets())));
            timings.addProperty("geojson_ms", (System.nanoTime() - g0) / 1e6);
        }
        if (preview) {
            body.addProperty("preview", previewPng((ImageSource.Rgb) source));
        }
        json(ctx, 200, body);
    }

    /** The image as the model got it, as a PNG {@code data:} URL (for a client that cannot show a TIFF). */
    private static String previewPng(ImageSource.Rgb image) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(RgbImage.of(image.width(), image.height(), image.rgb()).toBufferedImage(), "png", png)) {
            throw new SegEarthException("no PNG writer available for the preview");
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png.toByteArray());
    }

    /**
     * A decoded upload.
     *
     * @param geoJson for a georeferenced TIFF, how its targets become GeoJSON; else null
     */
    private record Upload(ImageSource source, TargetGeoJson geoJson) {}

    /**
     * Decodes an uploaded image: a georeferenced TIFF through the geo module (the scene's bands and
     * stretch, as {@code segearth segment --image scene.tif} reads it), anything else with the image
     * decoder. Too many pixels is 413, anything unreadable 400.
     */
    private Upload decode(byte[] bytes) throws IOException {
        if (bytes.length > 8 && ((bytes[0] == 'I' && bytes[1] == 'I') || (bytes[0] == 'M' && bytes[1] == 'M'))) {
            Path file = Files.createTempFile("segearth-upload-", ".tif");
            try {
                Files.write(file, bytes);
                if (isGeoTiff(file)) {
                    return decodeGeoTiff(file);
                }
            } finally {
                Files.deleteIfExists(file);
            }
        }
        RgbImage image = decodeImage(bytes);
        return new Upload(ImageSource.ofRgb(image.toBytes(), image.width(), image.height()), null);
    }

    private static boolean isGeoTiff(Path file) {
        try {
            return GeoScene.isGeoTiff(file);
        } catch (RuntimeException e) {
            return false; // a damaged TIFF: the image decoder says what is wrong
        }
    }

    private Upload decodeGeoTiff(Path file) {
        try (GeoScene scene = GeoScene.open(file)) {
            long pixels = (long) scene.width() * scene.height();
            if (pixels > config.maxPixels()) {
                throw new HttpProblem(413, "image: " + scene.width() + "x" + scene.height() + " = " + pixels
                        + " pixels, more than this service's limit of " + config.maxPixels() + " pixels; send a"
                        + " smaller scene, or segment it tile by tile with 'segearth segment --image scene.tif'");
            }
            TargetGeoJson geoJson = TargetGeoJson.on(scene); // a CRS without a way to WGS 84 fails before the model runs
            return new Upload(SceneImage.read(scene), geoJson);
        } catch (HttpProblem e) {
            throw e;
        } catch (SegEarthException | IllegalArgumentException e) {
            // the geo module's words, as the CLI prints them for --image scene.tif, naming the upload
            String why = oneLine(String.valueOf(e.getMessage())).replace(file.toString(), "image");
            throw new HttpProblem(400, why.startsWith("image") ? why : "image: " + why, 0, e);
        }
    }

    /** Decodes an uploaded PNG, JPEG or plain TIFF; too many pixels is 413, anything undecodable 400. */
    private RgbImage decodeImage(byte[] bytes) {
        long[] size = probeSize(bytes);
        if (size != null && size[0] * size[1] > config.maxPixels()) {
            throw new HttpProblem(413, "image: " + size[0] + "x" + size[1] + " = " + size[0] * size[1]
                    + " pixels, more than this service's limit of " + config.maxPixels() + " pixels; send a smaller"
                    + " image or tile the scene");
        }
        try {
            return ImageDecoder.withMaxPixels(config.maxPixels()).read(bytes);
        } catch (SegEarthException | IllegalArgumentException | IllegalStateException | ArithmeticException
                | IndexOutOfBoundsException | NegativeArraySizeException e) {
            // the decoder's own words, as the CLI prints them for --image
            throw new HttpProblem(400, "image: " + oneLine(String.valueOf(e.getMessage())), 0, e);
        }
    }

    /** Width and height from the image's header, or null when no reader knows it. */
    private static long[] probeSize(byte[] bytes) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = in == null ? Collections.emptyIterator() : ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new long[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null; // the decoder says what is wrong
        }
    }

    private HttpProblem tooLarge(long length) {
        return new HttpProblem(413, "the request" + (length > 0 ? " of " + length + " bytes" : "") + " is larger"
                + " than this service's limit of " + config.maxRequestBytes() + " bytes; send a smaller image");
    }

    /** Each target's attention heatmap, values scaled to 0..1 by its maximum (3 decimals). */
    private static void addHeatmaps(JsonObject body, SegmentationResult result) {
        JsonArray targets = body.getAsJsonArray("targets");
        for (int i = 0; i < result.targets().size(); i++) {
            Target t = result.targets().get(i);
            if (t.attention().isEmpty()) {
                continue;
            }
            Heatmap h = t.attention().get();
            float max = h.max() > 0 ? h.max() : 1;
            JsonObject o = new JsonObject();
            o.addProperty("width", h.width());
            o.addProperty("height", h.height());
            JsonArray values = new JsonArray();
            for (float v : h.values()) {
                values.add(Math.round(1000 * v / max) / 1000.0);
            }
            o.add("values", values);
            targets.get(i).getAsJsonObject().add("heatmap", o);
        }
    }

    private static void problem(Context ctx, int status, String message, long retryAfter) {
        if (retryAfter > 0) {
            ctx.header("Retry-After", Long.toString(retryAfter));
        }
        JsonObject o = new JsonObject();
        o.addProperty("status", status);
        o.addProperty("error", oneLine(message == null ? "error" : message));
        json(ctx, status, o);
    }

    private static void json(Context ctx, int status, JsonObject body) {
        ctx.status(status).contentType("application/json").result(GSON.toJson(body));
    }

    private static JsonObject object(String key, Object value) {
        JsonObject o = new JsonObject();
        if (value instanceof Boolean b) {
            o.addProperty(key, b);
        } else {
            o.addProperty(key, String.valueOf(value));
        }
        return o;
    }

    /** The first line of {@code s}, printable, at most {@link #MAX_MESSAGE} characters. */
    static String oneLine(String s) {
        String line = s.strip();
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl).strip();
        }
        return Messages.abbreviate(line, MAX_MESSAGE);
    }
}
