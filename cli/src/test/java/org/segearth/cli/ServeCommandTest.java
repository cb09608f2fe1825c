package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code segearth serve} refuses unsafe or unusable settings before any model loads (exit 4). */
class ServeCommandTest {

    @Test
    void bindingBeyondLoopbackWithoutAKeyIsRefused() {
        CliRun run = CliRun.of("serve", "--host", "0.0.0.0", "--port", "0");
        assertEquals(ExitCodes.BAD_INPUT, run.exitCode(), run.err());
        assertTrue(run.err().startsWith("error: --host 0.0.0.0 is reachable from other machines; set an API key"),
                run.err());
    }

    @Test
    void badLimitsAndKeyFilesAreRefused(@TempDir Path dir) throws Exception {
        CliRun queue = CliRun.of("serve", "--port", "0", "--queue-size", "-1");
        assertEquals(ExitCodes.BAD_INPUT, queue.exitCode(), queue.err());
        assertTrue(queue.err().contains("--queue-size -1 is negative"), queue.err());

        Path empty = Files.writeString(dir.resolve("key"), "  \n");
        CliRun key = CliRun.of("serve", "--port", "0", "--api-key-file", empty.toString());
        assertEquals(ExitCodes.BAD_INPUT, key.exitCode(), key.err());
        assertTrue(key.err().contains("must hold the key on one line"), key.err());
    }
}
