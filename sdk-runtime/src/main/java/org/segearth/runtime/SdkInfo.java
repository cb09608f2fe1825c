package org.segearth.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/** Facts about the SDK build and the native libraries it runs on. */
public final class SdkInfo {

    private SdkInfo() {}

    /** The SDK version, from the build. */
    public static String version() {
        Properties p = new Properties();
        try (InputStream in = SdkInfo.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version", "unknown");
    }

    /**
     * Where the loaded library whose file name starts with {@code prefix} lives (e.g.
     * {@code "libtorch_cpu"}), read from the process's memory map (Linux); empty elsewhere or when
     * it is not loaded.
     */
    public static Optional<Path> loadedLibrary(String prefix) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try (var lines = Files.lines(maps)) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(s -> s.startsWith("/"))
                    .map(Path::of)
                    .filter(p -> p.getFileName().toString().startsWith(prefix))
                    .findFirst();
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }
}
