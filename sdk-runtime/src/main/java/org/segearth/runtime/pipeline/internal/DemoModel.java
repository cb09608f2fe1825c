package org.segearth.runtime.pipeline.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.segearth.api.ModelPackageException;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.pipeline.ModelPackage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded demo model: a model package on the class path below {@value #FOLDER} (artifact
 * {@value #ARTIFACT}). A class-path folder is used in place. From a jar it is extracted once into
 * a content-addressed cache folder, {@code <cache>/demo-model/<hash>} with {@code <cache>} the
 * system property {@value #CACHE_PROPERTY}, else {@code $XDG_CACHE_HOME/segearth}, else
 * {@code ~/.cache/segearth}; the hash covers every entry's name, size and CRC, so another demo
 * model gets another folder. Extraction writes a temporary sibling folder and renames it into
 * place, so a killed process never leaves a half package behind (its temporary folder is removed
 * by the next extraction); nothing is written to the system's temporary folder and nothing needs
 * removing at exit. Processes that extract at the same time agree on one folder.
 */
public final class DemoModel {

    /** The class-path folder of the demo package. */
    public static final String FOLDER = "org/segearth/demo/model/";
    /** Its manifest, the resource looked up. */
    public static final String RESOURCE = FOLDER + "segearth.json";
    /** The artifact that brings it. */
    public static final String ARTIFACT = "org.segearth:segearth-demo-model";
    /** System property naming the cache folder. */
    public static final String CACHE_PROPERTY = "segearth.cache";

    private static final Logger LOG = LoggerFactory.getLogger(DemoModel.class);
    private static final String TMP_PREFIX = ".tmp-";
    /** Temporary folders older than this are left by killed processes and removed. */
    private static final Duration STALE = Duration.ofHours(1);

    private DemoModel() {}

    /**
     * The demo package (looked up through the thread's context class loader, then this class's),
     * or a {@link ModelPackageException} that says how to get one.
     */
    public static synchronized ModelPackage open() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        URL url = context == null ? null : context.getResource(RESOURCE);
        if (url == null) {
            url = DemoModel.class.getClassLoader().getResource(RESOURCE);
        }
        if (url == null) {
            throw new ModelPackageException("no model package given and no embedded demo model on the class path"
                    + " (resource " + RESOURCE + " not found); call model(Path.of(\"...\")) with a model package folder"
                    + " or add the artifact " + ARTIFACT);
        }
        try {
            if ("file".equals(url.getProtocol())) {
                return ModelPackage.open(Path.of(url.toURI()).getParent());
            }
            if (!(url.openConnection() instanceof JarURLConnection connection)) {
                throw new IOException("unsupported class-path location " + url);
            }
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
                return ModelPackage.open(extract(jar, cacheRoot().resolve("demo-model")));
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            if (e instanceof ModelPackageException m) {
                throw m;
            }
            throw new ModelPackageException("cannot read the embedded demo model at " + url + ": " + e.getMessage()
                    + "; check that " + cacheRoot() + " can be written, or set -D" + CACHE_PROPERTY
                    + "=<folder>", e);
        }
    }

    /** The cache folder of the SDK (see the class comment). */
    public static Path cacheRoot() {
        String property = System.getProperty(CACHE_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "segearth");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "segearth");
    }

    /**
     * The demo package of {@code jar} below {@code parent}: the folder named after the entries'
     * hash, extracted when it is not there yet.
     */
    static Path extract(JarFile jar, Path parent) throws IOException {
        List<JarEntry> entries = entries(jar);
        Path target = parent.resolve(hash(entries));
        if (complete(target, entries)) {
            return target;
        }
        Files.createDirectories(parent);
        removeStaleTemporaries(parent);
        Path tmp = Files.createTempDirectory(parent, TMP_PREFIX);
        try {
            for (JarEntry e : entries) {
                Path file = tmp.resolve(e.getName().substring(FOLDER.length())).normalize();
                if (!file.startsWith(tmp)) {
                    throw new IOException("jar entry " + e.getName() + " points outside the package folder");
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, file);
                }
            }
            if (Files.exists(target)) {
                // damaged (a file of another size): move it aside, then replace it
                Path old = Files.createTempDirectory(parent, TMP_PREFIX);
                Files.move(target, old.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
                FileTrees.deleteTree(old);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                LOG.debug("extracted the demo model to {}", target);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // another process extracted the same content first: use its folder
                if (!complete(target, entries)) {
                    throw raced;
                }
            }
            return target;
        } finally {
            FileTrees.deleteTree(tmp);
        }
    }

    private static List<JarEntry> entries(JarFile jar) {
        List<JarEntry> out = new ArrayList<>();
        jar.stream().filter(e -> !e.isDirectory() && e.getName().startsWith(FOLDER)).forEach(out::add);
        out.sort(Comparator.comparing(JarEntry::getName));
        return out;
    }

    /** SHA-256 (first 16 hex digits) of every entry's name, size and CRC. */
    static String hash(List<JarEntry> entries) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (JarEntry e : entries) {
                md.update((e.getName() + "\u0000" + e.getSize() + "\u0000" + e.getCrc() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean complete(Path target, List<JarEntry> entries) throws IOException {
        if (!Files.isDirectory(target)) {
            return false;
        }
        for (JarEntry e : entries) {
            Path f = target.resolve(e.getName().substring(FOLDER.length()));
            if (!Files.isRegularFile(f) || (e.getSize() >= 0 && Files.size(f) != e.getSize())) {
                return false;
            }
        }
        return true;
    }

    private static void removeStaleTemporaries(Path parent) {
        Instant limit = Instant.now().minus(STALE);
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).toList()) {
                FileTime modified = Files.getLastModifiedTime(p);
                if (modified.toInstant().isBefore(limit)) {
                    FileTrees.deleteTree(p);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot clean {}: {}", parent, e.getMessage());
        }
    }
}
