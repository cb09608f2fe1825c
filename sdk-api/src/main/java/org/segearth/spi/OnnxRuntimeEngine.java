package org.segearth.spi;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts DJL's ONNX Runtime engine (optional: {@code ai.djl.onnxruntime:onnxruntime-engine}) for
 * the providers that run ONNX files, without leaving files behind. ONNX Runtime's loader extracts
 * its shared provider library into a fresh {@code onnxruntime-java*} folder under
 * {@code java.io.tmpdir} and asks for the file and then the folder to be deleted at exit; the JVM
 * deletes them in the reverse order, so the folder, not yet empty, stayed behind after every
 * process. Once the engine runs, a shutdown hook (shutdown hooks run before those deletions)
 * removes this process's folder and what is in it.
 *
 * <pre>{@code
 * OnnxRuntimeEngine.start(); // before loading an ONNX file through DJL
 * Model model = Model.newInstance("vision_tower", Device.cpu(), OnnxRuntimeEngine.NAME);
 * }</pre>
 */
public final class OnnxRuntimeEngine {

    /** Name of DJL's ONNX Runtime engine. */
    public static final String NAME = "OnnxRuntime";

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntimeEngine.class);
    private static final AtomicBoolean HOOKED = new AtomicBoolean();

    private OnnxRuntimeEngine() {}

    /**
     * The engine, started.
     *
     * @throws RuntimeException or {@link UnsatisfiedLinkError} as {@link Engine#getEngine} does
     */
    public static Engine start() {
        Engine engine = Engine.getEngine(NAME);
        if (HOOKED.compareAndSet(false, true)) {
            extractionFolder().ifPresent(dir -> Runtime.getRuntime().addShutdownHook(
                    new Thread(() -> removeAtExit(dir), "segearth-onnxruntime-cleanup")));
        }
        return engine;
    }

    /** The folder ONNX Runtime extracted its libraries into in this process, if it did. */
    static Optional<Path> extractionFolder() {
        try {
            Field folder = Class.forName("ai.onnxruntime.OnnxRuntime").getDeclaredField("tempDirectory");
            folder.setAccessible(true);
            return folder.get(null) instanceof Path p && p.getFileName() != null
                    && p.getFileName().toString().startsWith("onnxruntime-java") ? Optional.of(p) : Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.debug("cannot find ONNX Runtime's extraction folder: {}", e.toString());
            return Optional.empty();
        }
    }

    /** Removes the extraction folder's plain files, then the folder; links are removed, not followed. */
    private static void removeAtExit(Path dir) {
        try {
            if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                return;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path f : s.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        } catch (IOException | RuntimeException e) {
            // nothing can be reported usefully at exit; ONNX Runtime's own deletion still follows
        }
    }
}
