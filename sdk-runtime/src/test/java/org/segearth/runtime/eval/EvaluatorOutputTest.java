package org.segearth.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.BenchmarkDataset;
import org.segearth.runtime.data.Fixtures;
import org.segearth.runtime.data.Sample;

/** Mask files never collide, a fresh run removes only the earlier run's files, reports are replaced atomically. */
class EvaluatorOutputTest {

    @TempDir
    Path dir;

    /** Samples with ids that a naive file name would merge. */
    private BenchmarkDataset dataset(List<String> ids) throws IOException {
        Path image = dir.resolve("a.png");
        if (!Files.exists(image)) {
            javax.imageio.ImageIO.write(new java.awt.image.BufferedImage(8, 6,
                    java.awt.image.BufferedImage.TYPE_INT_RGB), "png", image.toFile());
        }
        return new BenchmarkDataset() {
            @Override
            public String name() {
                return "lasers";
            }

            @Override
            public String split() {
                return "test";
            }

            @Override
            public int size() {
                return ids.size();
            }

            @Override
            public Sample get(int index) {
                return new Sample(ids.get(index), null, "segment it", "it [SEG]", image,
                        () -> List.of(index % 2 == 0 ? Fixtures.lasersA() : Fixtures.lasersB()), Map.of());
            }
        };
    }

    /** Predicts mask A for even samples and B for odd ones, so files with swapped contents would show. */
    private EvaluationReport run(Path out, BenchmarkDataset ds, boolean resume) {
        int[] n = {0};
        return Evaluator.builder()
                .function((image, instruction, answer) -> new SegmentationFunction.Output("it [SEG]",
                        List.of(n[0]++ % 2 == 0 ? Fixtures.lasersA() : Fixtures.lasersB())))
                .mode(EvalMode.TEACHER_FORCED)
                .output(out)
                .masks(Evaluator.MaskOutput.PNG)
                .resume(resume)
                .build()
                .run(ds);
    }

    @Test
    void maskFileNamesAreDistinctForEveryId() {
        List<String> ids = List.of("a/b", "a_b", "a b", "a%2Fb", "..", ".", "ä", "a_b_0", "x".repeat(400),
                "x".repeat(399) + "y");
        Set<String> names = new HashSet<>();
        for (String id : ids) {
            for (int i = 0; i < 2; i++) {
                String name = Evaluator.maskFileName(id, i);
                assertTrue(names.add(name), "collision for " + id + ": " + name);
                assertTrue(name.matches("[A-Za-z0-9._%~-]+") && name.length() < 200, name);
                assertNotEquals(".", name);
            }
        }
        assertEquals("a_b_0.png", Evaluator.maskFileName("a_b", 0));
        assertEquals("a%2Fb_0.png", Evaluator.maskFileName("a/b", 0));
    }

    @Test
    void idsThatLookAlikeKeepTheirOwnMasks() throws IOException {
        Path out = dir.resolve("out");
        run(out, dataset(List.of("a/b", "a_b")), true);
        byte[] first = Files.readAllBytes(out.resolve("masks").resolve(Evaluator.maskFileName("a/b", 0)));
        byte[] second = Files.readAllBytes(out.resolve("masks").resolve(Evaluator.maskFileName("a_b", 0)));
        assertFalse(java.util.Arrays.equals(first, second), "the two samples' masks differ");
        try (Stream<Path> s = Files.list(out.resolve("masks"))) {
            assertEquals(2, s.count());
        }
    }

    @Test
    void startingAgainRemovesOnlyTheEarlierRunsFiles() throws IOException {
        Path out = dir.resolve("out");
        run(out, dataset(List.of("s1", "s2", "s3")), true);
        Path mine = Files.writeString(out.resolve("notes.txt"), "mine");
        Path myMask = Files.writeString(out.resolve("masks/keep.png"), "mine");
        run(out, dataset(List.of("s1")), false);
        assertEquals("mine", Files.readString(mine));
        assertEquals("mine", Files.readString(myMask));
        assertTrue(Files.exists(out.resolve("masks/s1_0.png")));
        assertFalse(Files.exists(out.resolve("masks/s2_0.png")), "stale mask of the earlier run");
        assertEquals(2, Files.readAllLines(out.resolve("samples.csv")).size());
        try (Stream<Path> s = Files.list(out)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
    }
}
