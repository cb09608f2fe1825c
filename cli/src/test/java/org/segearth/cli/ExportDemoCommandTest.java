package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.api.ImageSource;
import org.segearth.api.Segmenter;
import org.segearth.cli.pipeline.TinyModel;
import org.segearth.runtime.FileTrees;

/** {@code segearth export-demo}: the class path's demo package as a folder that --model opens. */
class ExportDemoCommandTest {

    private static final String FOLDER = "org/segearth/demo/model/";

    @TempDir
    Path dir;

    private Path pkg;
    private URL classes;

    @BeforeEach
    void demoOnTheClassPath() throws IOException {
        pkg = TinyModel.create(dir.resolve("made"));
        Path root = dir.resolve("classes");
        FileTrees.copyTree(pkg, root.resolve(FOLDER));
        classes = root.toUri().toURL();
    }

    @Test
    void writesThePackageThatModelOpens() throws IOException {
        Path out = dir.resolve("exported/demo");
        CliRun run = withDemo(() -> CliRun.of("export-demo", "--out", out.toString()));
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("demo model package written to " + out), run.out());
        assertSameTree(pkg, out);
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertEquals(List.of(out), s.toList(), "no temporary folder left beside it");
        }
        try (Segmenter seg = Segmenter.builder().model(out).build()) {
            assertEquals(1, seg.segmentWithAnswer(ImageSource.of(TinyModel.image()), "segment it", "it [SEG]").targets().size());
        }
        // the command line's --model takes it too
        CliRun segment = CliRun.of("segment", "--model", out.toString(), "--image", image().toString(),
                "--instruction", "segment it", "--answer", "it [SEG]", "--out", dir.resolve("seg").toString());
        assertEquals(0, segment.exitCode(), segment.err());
    }

    @Test
    void aNonEmptyFolderIsRefusedWithoutOverwriteAndOnlyThePackageReplacedWithIt() throws IOException {
        Path out = dir.resolve("busy");
        Files.createDirectories(out.resolve("mllm"));
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("mllm/stale.bin"), "old");
        CliRun refused = withDemo(() -> CliRun.of("export-demo", "--out", out.toString()));
        assertEquals(ExitCodes.BAD_INPUT, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("is not empty") && refused.err().contains("--overwrite"), refused.err());
        assertEquals(1, refused.err().lines().filter(l -> l.startsWith("error:")).count(), refused.err());
        assertFalse(Files.exists(out.resolve("segearth.json")), "nothing written");

        CliRun run = withDemo(() -> CliRun.of("export-demo", "--out", out.toString(), "--overwrite"));
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("mine", Files.readString(out.resolve("notes.txt")), "a file the package does not hold is kept");
        assertFalse(Files.exists(out.resolve("mllm/stale.bin")), "the package's mllm/ replaces the old one");
        Files.delete(out.resolve("notes.txt"));
        assertSameTree(pkg, out);
    }

    @Test
    void withoutADemoModelItSaysWhichArtifactToAdd() {
        // the CLI's tests run without segearth-demo-model on the class path
        CliRun run = CliRun.of("export-demo", "--out", dir.resolve("none").toString());
        assertEquals(ExitCodes.BAD_MODEL, run.exitCode(), run.err());
        assertTrue(run.err().contains("segearth-demo-model"), run.err());
        assertFalse(Files.exists(dir.resolve("none")));
    }

    private CliRun withDemo(Supplier<CliRun> command) throws IOException {
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, previous)) {
            Thread.currentThread().setContextClassLoader(loader);
            return command.get();
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private Path image() throws IOException {
        Path file = dir.resolve("image.png");
        javax.imageio.ImageIO.write(TinyModel.image(), "png", file.toFile());
        return file;
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        List<String> want = files(expected);
        assertEquals(want, files(actual));
        for (String f : want) {
            assertArrayEquals(Files.readAllBytes(expected.resolve(f)), Files.readAllBytes(actual.resolve(f)), f);
        }
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }
}
