package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.Segmenter;

/** Without a model, the builder takes the demo package from the class path: a folder or a jar. */
class DemoModelLookupTest {

    private static final String FOLDER = "org/segearth/demo/model/";

    @TempDir
    Path dir;

    @Test
    void demoPackageFromAClassPathFolder() throws IOException {
        Path classes = dir.resolve("classes");
        Path pkg = TinyModel.create(dir);
        copyTree(pkg, classes.resolve(FOLDER));
        assertOneTarget(classes.toUri().toURL());
    }

    @Test
    void demoPackageFromAJar() throws IOException {
        Path pkg = TinyModel.create(dir);
        Path jar = dir.resolve("demo.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(pkg)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(FOLDER + pkg.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, (OutputStream) out);
                out.closeEntry();
            }
        }
        assertOneTarget(jar.toUri().toURL());
    }

    private static void assertOneTarget(URL location) throws IOException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {location}, previous)) {
            Thread.currentThread().setContextClassLoader(loader);
            try (Segmenter seg = Segmenter.builder().build()) {
                assertEquals(1, seg.segmentWithAnswer(ImageSource.of(TinyModel.image()), "segment it", "it [SEG]")
                        .targets().size());
            }
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : (List<Path>) files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
    }
}
