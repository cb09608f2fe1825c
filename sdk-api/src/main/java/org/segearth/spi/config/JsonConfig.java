package org.segearth.spi.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.segearth.api.ModelPackageException;

/**
 * A JSON configuration object with typed accessors whose errors name the file and the field.
 * Unknown fields are ignored; a missing required field is reported by its dotted path. Every
 * error is a {@link ModelPackageException}: configs are parts of model packages. Numbers must be
 * finite, integers must fit an {@code int}.
 *
 * <pre>{@code
 * JsonConfig c = JsonConfig.read(Path.of("segearth-r2/mllm/config.json"));
 * int hidden = c.getInt("hidden_size");               // required: a missing field names file and field
 * double eps = c.getDouble("layer_norm_eps", 1e-5);   // with a default
 * JsonConfig tower = c.object("vision_config").object("vision_tower");
 * if (c.getInt("num_hidden_layers") <= 0) {
 *     throw c.invalid("num_hidden_layers", "must be positive");
 * }
 * }</pre>
 */
public final class JsonConfig {

    /** The most entries of an integer array (depths, strides, indices). */
    static final int MAX_ARRAY = 4096;

    private final JsonObject json;
    private final String source;
    private final String path;

    private JsonConfig(JsonObject json, String source, String path) {
        this.json = json;
        this.source = source;
        this.path = path;
    }

    /** Reads {@code file}, which must hold a JSON object. */
    public static JsonConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ModelPackageException("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new ModelPackageException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /** Parses {@code text}; {@code source} names it in errors. */
    public static JsonConfig parse(String text, String source) {
        JsonElement element;
        try {
            element = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            // Gson adds a second line pointing at its troubleshooting guide; messages are one line
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            throw new ModelPackageException(source + " is not valid JSON: " + first, e);
        }
        if (!element.isJsonObject()) {
            throw new ModelPackageException(source + " must hold a JSON object, found " + kind(element));
        }
        return new JsonConfig(element.getAsJsonObject(), source, "");
    }

    /** Wraps an object already parsed. */
    public static JsonConfig of(JsonObject json, String source) {
        return new JsonConfig(json, source, "");
    }

    /** Where this object came from (a file name), for messages. */
    public String source() {
        return source;
    }

    /** The dotted path of this object in its file ({@code ""} for the top level). */
    public String path() {
        return path;
    }

    /** The underlying JSON (do not modify). */
    public JsonObject json() {
        return json;
    }

    /** Whether {@code field} is present and not null. */
    public boolean has(String field) {
        return json.has(field) && !json.get(field).isJsonNull();
    }

    /** The nested object {@code field}. */
    public JsonConfig object(String field) {
        JsonElement e = require(field);
        if (!e.isJsonObject()) {
            throw wrongType(field, "an object", e);
        }
        return new JsonConfig(e.getAsJsonObject(), source, qualified(field));
    }

    /** The nested object {@code field}, if present. */
    public Optional<JsonConfig> optObject(String field) {
        return has(field) ? Optional.of(object(field)) : Optional.empty();
    }

    public int getInt(String field) {
        JsonElement e = require(field);
        double d = number(field, e);
        if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
            throw wrongType(field, "an integer", e);
        }
        return (int) d;
    }

    public int getInt(String field, int fallback) {
        return has(field) ? getInt(field) : fallback;
    }

    public double getDouble(String field) {
        return number(field, require(field));
    }

    public double getDouble(String field, double fallback) {
        return has(field) ? getDouble(field) : fallback;
    }

    public boolean getBoolean(String field, boolean fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = json.get(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw wrongType(field, "true or false", e);
        }
        return e.getAsBoolean();
    }

    public String getString(String field) {
        JsonElement e = require(field);
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw wrongType(field, "a string", e);
        }
        return e.getAsString();
    }

    public String getString(String field, String fallback) {
        return has(field) ? getString(field) : fallback;
    }

    public int[] getIntArray(String field) {
        JsonArray array = array(field);
        if (array.size() > MAX_ARRAY) {
            throw invalid(field, "has " + array.size() + " entries; at most " + MAX_ARRAY + " are accepted");
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonElement e = array.get(i);
            double d = number(field + "[" + i + "]", e);
            if (d != Math.rint(d) || d > Integer.MAX_VALUE || d < Integer.MIN_VALUE) {
                throw wrongType(field + "[" + i + "]", "an integer", e);
            }
            out[i] = (int) d;
        }
        return out;
    }

    public int[] getIntArray(String field, int[] fallback) {
        return has(field) ? getIntArray(field) : fallback.clone();
    }

    public List<String> getStringList(String field) {
        JsonArray array = array(field);
        List<String> out = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            JsonElement e = array.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
                throw wrongType(field + "[" + i + "]", "a string", e);
            }
            out.add(e.getAsString());
        }
        return List.copyOf(out);
    }

    /**
     * The string list {@code field}, also accepting a single string (as PEFT's
     * {@code target_modules} does).
     */
    public List<String> getStringListOrString(String field, List<String> fallback) {
        if (!has(field)) {
            return fallback;
        }
        JsonElement e = json.get(field);
        if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
            return List.of(e.getAsString());
        }
        return getStringList(field);
    }

    /** An error naming this config's file and {@code field}. */
    public ModelPackageException invalid(String field, String problem) {
        return new ModelPackageException(source + ": field '" + qualified(field) + "' " + problem);
    }

    private JsonArray array(String field) {
        JsonElement e = require(field);
        if (!e.isJsonArray()) {
            throw wrongType(field, "an array", e);
        }
        return e.getAsJsonArray();
    }

    private JsonElement require(String field) {
        if (!has(field)) {
            throw new ModelPackageException(source + ": required field '" + qualified(field) + "' is missing");
        }
        return json.get(field);
    }

    private double number(String field, JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw wrongType(field, "a number", e);
        }
        double d;
        try {
            d = e.getAsDouble();
        } catch (NumberFormatException ex) {
            throw wrongType(field, "a number", e);
        }
        if (!Double.isFinite(d)) {
            throw wrongType(field, "a finite number", e);
        }
        return d;
    }

    private ModelPackageException wrongType(String field, String expected, JsonElement found) {
        String text = String.valueOf(found);
        return invalid(field, "must be " + expected + ", found " + (text.length() <= 60 ? text : text.substring(0, 60) + "..."));
    }

    private String qualified(String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static String kind(JsonElement e) {
        return e.isJsonArray() ? "an array" : e.isJsonNull() ? "null" : "a " + e.getClass().getSimpleName();
    }
}
