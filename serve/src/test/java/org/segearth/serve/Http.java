package org.segearth.serve;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A small HTTP client for the tests: JSON answers and multipart requests built by hand. */
final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private Http() {}

    /** A status and a parsed JSON body. */
    record Answer(int status, JsonObject json, HttpResponse<String> raw) {}

    static Answer get(int port, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(uri(port, path)).GET().build());
    }

    /** POSTs {@code fields} (strings) and an {@code image} file part as multipart/form-data. */
    static Answer segment(int port, byte[] image, Map<String, String> fields, String... headers)
            throws IOException, InterruptedException {
        String boundary = "segearth-test-boundary";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Map.Entry<String, String> f : fields.entrySet()) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n"
                    + f.getValue() + "\r\n");
        }
        if (image != null) {
            write(body, "--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"tile.jpg\"\r\n"
                    + "Content-Type: application/octet-stream\r\n\r\n");
            body.write(image);
            write(body, "\r\n");
        }
        write(body, "--" + boundary + "--\r\n");
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(port, "/v1/segment"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    static Map<String, String> fields(String... keyValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        JsonObject json = null;
        String text = r.body().strip();
        if (text.startsWith("{")) {
            json = JsonParser.parseString(text).getAsJsonObject();
        }
        return new Answer(r.statusCode(), json, r);
    }

    static URI uri(int port, String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** A bundled example tile of the web page. */
    static byte[] example(String name) throws IOException {
        try (InputStream in = Http.class.getResourceAsStream("/org/segearth/serve/web/examples/" + name)) {
            if (in == null) {
                throw new IOException("no example " + name);
            }
            return in.readAllBytes();
        }
    }

    private static void write(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }
}
