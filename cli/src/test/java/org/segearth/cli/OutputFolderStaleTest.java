package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutputFolderStaleTest {

    @Test
    void staleOutputsGoFromTheFolderAndFromOneFolderBelowItOnly(@TempDir Path root) throws IOException {
        Path out = Files.createDirectories(root.resolve("out"));
        Path roads = Files.createDirectories(out.resolve("segment-the-roads"));
        Path deeper = Files.createDirectories(roads.resolve("deeper"));
        for (Path f : List.of(out.resolve("mask-1.tif"), roads.resolve("mask-0.tif"), roads.resolve("mask-1.tif"),
                roads.resolve("notes.txt"), deeper.resolve("mask-2.tif"), root.resolve("mask-3.tif"))) {
            Files.writeString(f, "x");
        }
        OutputFolder.Record previous = new OutputFolder.Record("segment", Map.of(), List.of("mask-1.tif",
                "segment-the-roads/mask-0.tif", "segment-the-roads/mask-1.tif", "segment-the-roads/notes.txt",
                "segment-the-roads/deeper/mask-2.tif", "../mask-3.tif"));
        OutputFolder.removeStale(out, Optional.of(previous), List.of("segment-the-roads/mask-0.tif"),
                Pattern.compile("mask-\\d+\\.tif"));
        assertFalse(Files.exists(out.resolve("mask-1.tif")), "stale in the folder");
        assertFalse(Files.exists(roads.resolve("mask-1.tif")), "stale in an instruction's folder");
        assertTrue(Files.exists(roads.resolve("mask-0.tif")), "written again");
        assertTrue(Files.exists(roads.resolve("notes.txt")), "not a name the command writes");
        assertTrue(Files.exists(deeper.resolve("mask-2.tif")), "two folders down");
        assertTrue(Files.exists(root.resolve("mask-3.tif")), "outside the folder");
    }
}
