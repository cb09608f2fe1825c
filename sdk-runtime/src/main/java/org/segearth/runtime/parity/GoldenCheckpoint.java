package org.segearth.runtime.parity;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.spi.ComponentContext;

/**
 * A golden's checkpoint for a component test, opened on first use and closed by {@link #close()}:
 * what the provider contract tests of every component module share.
 *
 * <pre>{@code
 * private final GoldenCheckpoint golden = new GoldenCheckpoint(Goldens.dir("phi"));
 * protected ComponentContext context() { return golden.context(); }
 * protected void release() { golden.close(); }
 * }</pre>
 */
public final class GoldenCheckpoint implements AutoCloseable {

    private final Path dir;
    private NDManager manager;
    private Checkpoint checkpoint;

    /** The golden in {@code dir} ({@link Goldens#dir}); nothing is opened yet. */
    public GoldenCheckpoint(Path dir) {
        this.dir = dir;
    }

    /** The component context of the golden's configuration and weights, opening them the first time. */
    public ComponentContext context() {
        if (manager == null) {
            manager = Engines.newManager();
            checkpoint = Checkpoint.open(dir, manager);
        }
        return Goldens.context(dir, checkpoint, Map.of());
    }

    /** Closes the weights and their manager; the next {@link #context()} opens them again. */
    @Override
    public void close() {
        if (manager != null) {
            checkpoint.close();
            manager.close();
            manager = null;
            checkpoint = null;
        }
    }
}
