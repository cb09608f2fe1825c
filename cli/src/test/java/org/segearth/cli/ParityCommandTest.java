package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParityCommandTest {

    @TempDir
    Path dir;

    @Test
    void unknownFolderFails() throws IOException {
        Path other = Files.createDirectories(dir.resolve("something"));
        CliRun run = CliRun.of("parity", other.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.out().strip().startsWith("PARITY something FAIL unknown component"), run.out());
    }

    @Test
    void usageErrorWithoutFolder() {
        assertEquals(2, CliRun.of("parity").exitCode());
    }
}
