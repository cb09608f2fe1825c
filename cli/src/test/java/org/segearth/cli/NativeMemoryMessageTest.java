package org.segearth.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.EngineException;
import org.junit.jupiter.api.Test;

/** The engine's allocator failing is reported in one line with what to change, exit 3. */
class NativeMemoryMessageTest {

    @Test
    void allocatorFailureNamesTheWorkAndTheSettings() {
        EngineException e = new EngineException("[enforce fail at alloc_cpu.cpp:116] data. DefaultCPUAllocator: not enough"
                + " memory: you tried to allocate 26214400 bytes.\nException raised from ...");
        String text = ErrorHandler.message(e, "segmenting scene.png with the model package r2");
        assertTrue(text.startsWith("out of native memory while segmenting scene.png"), text);
        assertTrue(text.contains("26214400 bytes") && text.contains("--precision auto"), text);
        assertFalse(text.contains("\n"), text);
        assertEquals(ExitCodes.ERROR, ErrorHandler.exitCode(e));
    }
}
