package org.segearth.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
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

    /**
     * A PyTorch natives package on the class path, as DJL describes it in its
     * {@code native/lib/pytorch.properties}.
     *
     * @param flavor {@code cpu}, or a CUDA flavor such as {@code cu128}
     * @param classifier the platform, e.g. {@code linux-x86_64}
     * @param version the libtorch build, e.g. {@code 2.7.1-20250812}
     * @param source the jar (or folder) that holds it
     * @param matchesPlatform whether the classifier is this machine's
     */
    public record PytorchNatives(String flavor, String classifier, String version, String source,
            boolean matchesPlatform) {

        /** One line, e.g. {@code cpu linux-x86_64 2.7.1-20250812 (pytorch-native-cpu-2.7.1-linux-x86_64.jar)}. */
        @Override
        public String toString() {
            return flavor + " " + classifier + " " + version + " (" + source + ")"
                    + (matchesPlatform ? "" : ", not for this platform (" + platform() + "): unused");
        }
    }

    /** Every PyTorch natives package on the class path of the current thread (usually one). */
    public static List<PytorchNatives> pytorchNatives() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        if (loader == null) {
            loader = SdkInfo.class.getClassLoader();
        }
        List<PytorchNatives> out = new ArrayList<>();
        try {
            for (URL url : Collections.list(loader.getResources("native/lib/pytorch.properties"))) {
                Properties p = new Properties();
                try (InputStream in = url.openStream()) {
                    p.load(in);
                }
                String where = url.toString();
                int bang = where.indexOf("!/");
                if (bang > 0) {
                    where = where.substring(0, bang);
                }
                where = where.substring(where.lastIndexOf('/', where.length() - 2) + 1);
                String classifier = p.getProperty("classifier", "unknown");
                out.add(new PytorchNatives(p.getProperty("flavor", "unknown"), classifier,
                        p.getProperty("version", "unknown"), where, classifier.equals(platform())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /**
     * This machine's platform as DJL's natives name it: {@code linux-x86_64}, {@code linux-aarch64},
     * {@code osx-aarch64}, {@code win-x86_64}, ...
     */
    public static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("win") ? "win" : os.startsWith("mac") || os.contains("os x") ? "osx" : os;
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        return o + "-" + a;
    }
}
