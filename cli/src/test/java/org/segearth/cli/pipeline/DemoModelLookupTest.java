package org.segearth.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.Segmenter;
import org.segearth.runtime.FileTrees;
import org.segearth.runtime.pipeline.internal.DemoModel;

/** Without a model, the builder takes the demo package from the class path: a folder or a jar. */
class DemoModelLookupTest {

    private static final String FOLDER = "org/segearth/demo/model/";

    @TempDir
    Path dir;

    @Test
    void demoPackageFromAClassPathFolder() throws IOException {
        Path classes = dir.resolve("classes");
        Path pkg = TinyModel.create(dir);
        FileTrees.copyTree(pkg, classes.resolve(FOLDER));
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
        Path cache = dir.resolve("cache");
        String previous = System.setProperty(DemoModel.CACHE_PROPERTY, cache.toString());
        try {
            assertOneTarget(jar.toUri().toURL());
            // extracted once into one content-addressed folder, no temporary folder left
            Path models = cache.resolve("demo-model");
            List<Path> folders;
            try (Stream<Path> s = Files.list(models)) {
                folders = s.toList();
            }
            assertEquals(1, folders.size(), folders.toString());
            assertTrue(folders.get(0).getFileName().toString().matches("[0-9a-f]{16}"), folders.toString());
            assertTrue(Files.isRegularFile(folders.get(0).resolve("segearth.json")));
            FileTime made = Files.getLastModifiedTime(folders.get(0).resolve("segearth.json"));
            assertOneTarget(jar.toUri().toURL());
            assertEquals(made, Files.getLastModifiedTime(folders.get(0).resolve("segearth.json")), "not extracted again");
            // a damaged copy (a file cut short) is replaced
            Path weights = folders.get(0).resolve("seg_projector.safetensors");
            Files.write(weights, new byte[3]);
            assertOneTarget(jar.toUri().toURL());
            assertTrue(Files.size(weights) > 3);
            try (Stream<Path> s = Files.list(models)) {
                assertEquals(1, s.count());
            }
        } finally {
            if (previous == null) {
                System.clearProperty(DemoModel.CACHE_PROPERTY);
            } else {
                System.setProperty(DemoModel.CACHE_PROPERTY, previous);
            }
        }
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
}
