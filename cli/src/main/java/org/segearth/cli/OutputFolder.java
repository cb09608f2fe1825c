package org.segearth.cli;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.segearth.api.InvalidInputException;
import org.segearth.api.SegEarthException;

/**
 * The rules for a command's output folder, checked before any model runs. A folder is used when it
 * is new or empty, or when it holds a run of the same command with the same settings and model
 * (recorded in {@value #RECORD}); anything else is refused with a message that says what differs,
 * unless the user asked for {@code --overwrite}. Even then only the files the command writes (and
 * those an earlier run recorded as its own) are replaced; other files are left alone.
 */
final class OutputFolder {

    /** The record of the run a folder holds: command, settings, model identity, files written. */
    static final String RECORD = "segearth-run.json";

    /** The largest record read (a record lists settings and a few file names). */
    private static final long MAX_RECORD = 1 << 20;

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

    /** How a folder may be used. */
    enum State {
        /** New or empty. */
        FRESH,
        /** Holds a run of the same command, settings and model. */
        SAME,
        /** Holds something else, and {@code --overwrite} was given. */
        OVERWRITE
    }

    /**
     * What a run records about itself.
     *
     * @param command the command's name
     * @param settings what decides the outputs (option -> value), model identity included
     * @param files the files the run wrote, relative to the folder
     */
    record Record(String command, Map<String, String> settings, List<String> files) {
        Record {
            settings = Map.copyOf(settings);
            files = List.copyOf(files);
        }

        Record withFiles(List<String> written) {
            return new Record(command, settings, written);
        }
    }

    /** The outcome of {@link #prepare}: how the folder is used, and the earlier run's record if any. */
    record Prepared(Path dir, State state, Optional<Record> previous) {
    }

    private OutputFolder() {}

    /**
     * Checks {@code dir} for a run of {@code wanted}: refuses a file, a folder that cannot be
     * written, and (without {@code overwrite}) a non-empty folder that does not hold a run of the
     * same command, settings and model. Creates the folder.
     *
     * @param option the option that named the folder, for messages (e.g. {@code --out})
     */
    static Prepared prepare(Path dir, String option, Record wanted, boolean overwrite) {
        checkUsable(dir, option);
        Prepared prepared = classify(dir, option, wanted, overwrite);
        checkWritable(dir, option);
        return prepared;
    }

    private static Prepared classify(Path dir, String option, Record wanted, boolean overwrite) {
        List<String> entries = entries(dir);
        if (entries.isEmpty()) {
            return new Prepared(dir, State.FRESH, Optional.empty());
        }
        Optional<Record> previous;
        try {
            previous = read(dir);
        } catch (InvalidInputException e) {
            if (!overwrite) {
                throw e;
            }
            previous = Optional.empty();
        }
        if (previous.isPresent()) {
            Record p = previous.get();
            String diff = differences(p, wanted);
            if (diff.isEmpty()) {
                return new Prepared(dir, State.SAME, previous);
            }
            if (!overwrite) {
                throw new InvalidInputException(option + " " + dir + " holds a run of `segearth " + p.command() + "` with other "
                        + "settings (" + diff + "); use another folder, or add --overwrite to replace that run's files");
            }
            return new Prepared(dir, State.OVERWRITE, previous);
        }
        if (!overwrite) {
            throw new InvalidInputException(option + " " + dir + " is not empty and holds no segearth run (" + RECORD
                    + " missing; found " + summary(entries) + "); use a new or empty folder, or add --overwrite to write"
                    + " segearth's files into it (other files are kept)");
        }
        return new Prepared(dir, State.OVERWRITE, Optional.empty());
    }

    /** "setting: 'old' in the folder, 'new' now" for every setting that differs; empty when none. */
    static String differences(Record folder, Record now) {
        if (!folder.command().equals(now.command())) {
            return "command `" + folder.command() + "` in the folder, `" + now.command() + "` now";
        }
        Set<String> keys = new TreeSet<>(folder.settings().keySet());
        keys.addAll(now.settings().keySet());
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            String a = folder.settings().get(k);
            String b = now.settings().get(k);
            if (!Objects.equals(a, b)) {
                out.add(k + ": " + quote(a) + " in the folder, " + quote(b) + " now");
            }
        }
        return String.join("; ", out);
    }

    private static String quote(String v) {
        if (v == null) {
            return "unset";
        }
        String shown = v.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t").replaceAll("\\p{Cntrl}", "?");
        return "'" + (shown.length() > 80 ? shown.substring(0, 77) + "..." : shown) + "'";
    }

    /** The record in {@code dir}, if there is a readable one. */
    static Optional<Record> read(Path dir) {
        Path file = dir.resolve(RECORD);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            if (Files.size(file) > MAX_RECORD) {
                throw new IOException("it is " + Files.size(file) + " bytes; a record is at most " + MAX_RECORD);
            }
            JsonObject o = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            Map<String, String> settings = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("settings").entrySet()) {
                settings.put(e.getKey(), e.getValue().isJsonNull() ? null : e.getValue().getAsString());
            }
            List<String> files = new ArrayList<>();
            JsonArray a = o.getAsJsonArray("files");
            if (a != null) {
                a.forEach(f -> files.add(f.getAsString()));
            }
            settings.values().removeIf(Objects::isNull);
            return Optional.of(new Record(o.get("command").getAsString(), settings, files));
        } catch (IOException | RuntimeException e) {
            throw new InvalidInputException(file + " cannot be read as a run record (" + e.getMessage()
                    + "); use another folder, or add --overwrite");
        }
    }

    /** Writes {@code record} into {@code dir} atomically. */
    static void write(Path dir, Record record) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new SegEarthException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        JsonObject o = new JsonObject();
        o.addProperty("command", record.command());
        o.add("settings", GSON.toJsonTree(new java.util.TreeMap<>(record.settings())));
        JsonArray files = new JsonArray();
        record.files().forEach(files::add);
        o.add("files", files);
        writeAtomically(dir.resolve(RECORD), GSON.toJson(o) + "\n");
    }

    /** Writes {@code text} to a temporary file beside {@code file}, then renames it into place. */
    static void writeAtomically(Path file, String text) {
        Path tmp = null;
        try {
            tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            tmp = null;
        } catch (IOException e) {
            throw new SegEarthException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * Refuses, without creating anything, a {@code dir} that is a file or whose nearest existing
     * ancestor is not a writable folder; commands call it first, before reading any input.
     */
    static void checkUsable(Path dir, String option) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new InvalidInputException(option + " " + dir + " is a file; expected a folder (new or empty)");
        }
        Path existing = dir.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new InvalidInputException(option + " " + dir + " cannot be written: " + existing
                    + " is a file, not a folder");
        }
        if (existing != null && !Files.isWritable(existing)) {
            throw new InvalidInputException(option + " " + dir + " cannot be written: " + existing
                    + " is not writable; choose a folder you can write to");
        }
    }

    /**
     * Makes sure a file can be written in {@code dir} (creating it for the probe, and removing
     * again what it created), so that a folder that cannot be written is reported before the
     * model runs.
     */
    static void checkWritable(Path dir, String option) {
        Path probe = null;
        Path created = dir.toAbsolutePath().normalize();
        while (created.getParent() != null && !Files.exists(created.getParent())) {
            created = created.getParent();
        }
        boolean existed = Files.exists(created);
        try {
            Files.createDirectories(dir);
            probe = Files.createTempFile(dir, ".segearth-probe", ".tmp");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new InvalidInputException(option + " " + dir + " cannot be written (" + describe(e)
                    + "); choose a folder you can write to");
        } finally {
            deleteQuietly(probe);
            if (!existed) {
                // made only for the probe: the command makes it again when it writes, so that a
                // failed or stopped run leaves no empty folder behind
                for (Path p = dir.toAbsolutePath().normalize(); p != null && p.startsWith(created); p = p.getParent()) {
                    try {
                        Files.deleteIfExists(p); // only when empty
                    } catch (IOException e) {
                        break;
                    }
                }
            }
        }
    }

    private static String describe(Exception e) {
        String name = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
        return name.isBlank() ? String.valueOf(e.getMessage()) : name.toLowerCase() + ": " + e.getMessage();
    }

    /** The names in {@code dir} (none when it does not exist). */
    static List<String> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new InvalidInputException("cannot list " + dir + ": " + e.getMessage());
        }
    }

    private static String summary(List<String> entries) {
        List<String> shown = entries.subList(0, Math.min(5, entries.size()));
        return String.join(", ", shown) + (entries.size() > shown.size() ? " and " + (entries.size() - shown.size())
                + " more" : "");
    }

    /**
     * Deletes the files an earlier run recorded that this run did not write again (for example
     * the {@code mask-3.png} of a run that found four targets when this one found two). Only
     * plain files directly in {@code dir}, or in a folder one level below it (an instruction's
     * outputs when there are several), whose names the command writes ({@code ours}) are deleted,
     * whatever a (possibly edited) record says; links and folders are left alone.
     */
    static void removeStale(Path dir, Optional<Record> previous, List<String> written, Pattern ours) {
        if (previous.isEmpty()) {
            return;
        }
        Set<String> keep = new LinkedHashSet<>(written);
        for (String name : previous.get().files()) {
            Path f = dir.resolve(name).normalize();
            // in the folder itself, or in one folder below it (one instruction's outputs of several)
            Path parent = f.getParent();
            boolean inside = parent.equals(dir.normalize())
                    || (parent.getParent() != null && parent.getParent().equals(dir.normalize()));
            if (keep.contains(name) || !ours.matcher(f.getFileName().toString()).matches() || !inside
                    || !Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            try {
                Files.deleteIfExists(f);
            } catch (IOException e) {
                throw new SegEarthException("cannot remove " + f + " of the earlier run: " + e.getMessage(), e);
            }
        }
    }

    static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                // best effort: a temporary file that cannot be removed is not worth failing the command
            }
        }
    }
}
