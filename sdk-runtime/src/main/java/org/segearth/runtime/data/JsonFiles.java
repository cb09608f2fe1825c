package org.segearth.runtime.data;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Messages;

/** JSON reading for the dataset readers: errors name the file and the record. */
final class JsonFiles {

    private JsonFiles() {}

    static JsonElement read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SegEarthException("annotation file " + file + " does not exist");
        }
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r);
        } catch (IOException | RuntimeException e) {
            throw new SegEarthException("cannot parse JSON file " + file + ": "
                    + Messages.printable(String.valueOf(e.getMessage()).lines().findFirst().orElse("")), e);
        }
    }

    /** A required string (numbers are accepted and printed). */
    static String string(JsonObject o, String key, Path file, String record) {
        JsonElement e = o.get(key);
        if (e == null || e.isJsonNull() || !e.isJsonPrimitive()) {
            throw new SegEarthException(file + ", record " + record + ": field \"" + key + "\" is "
                    + (e == null ? "missing" : DatasetPaths.abbreviate(e)) + "; expected a string");
        }
        return e.getAsString();
    }

    /** A required integer in {@code [min, max]}. */
    static long integer(JsonObject o, String key, long min, long max, Path file, String record) {
        JsonElement e = o.get(key);
        if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
            try {
                BigDecimal d = e.getAsBigDecimal();
                if (d.compareTo(BigDecimal.valueOf(min)) >= 0 && d.compareTo(BigDecimal.valueOf(max)) <= 0
                        && d.stripTrailingZeros().scale() <= 0) {
                    return d.longValueExact();
                }
            } catch (NumberFormatException | ArithmeticException ex) {
                // reported below
            }
        }
        throw new InvalidInputException(file + ", record " + record + ": field \"" + key + "\" is "
                + (e == null ? "missing" : DatasetPaths.abbreviate(e)) + "; expected an integer in [" + min + ", "
                + max + "]");
    }

    /** A plain Java value of a JSON element: String, Double/Long, Boolean, List, Map or null. */
    static Object plain(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return null;
        }
        if (e.isJsonPrimitive()) {
            JsonPrimitive p = e.getAsJsonPrimitive();
            if (p.isBoolean()) {
                return p.getAsBoolean();
            }
            if (p.isNumber()) {
                double d = p.getAsDouble();
                return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
            }
            return p.getAsString();
        }
        if (e.isJsonArray()) {
            List<Object> out = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> out.add(plain(x)));
            return out;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        e.getAsJsonObject().entrySet().forEach(x -> out.put(x.getKey(), plain(x.getValue())));
        return out;
    }

    /** The fields of {@code o} other than {@code known}, as plain values. */
    static Map<String, Object> extra(JsonObject o, Set<String> known) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : o.entrySet()) {
            if (!known.contains(e.getKey())) {
                out.put(e.getKey(), plain(e.getValue()));
            }
        }
        return out;
    }
}
