package org.segearth.runtime.pipeline.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import org.segearth.api.ModelPackageException;
import org.segearth.spi.nn.Precision;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares what a model's weights will take with the memory the machine has available, before
 * they are read: a model that cannot fit fails at once with the sizes and the setting to change,
 * instead of being killed by the operating system half way through.
 */
final class MemoryBudget {

    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudget.class);
    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private MemoryBudget() {}

    /**
     * Fails when {@code weightBytes} exceed the memory available now; warns when less than a
     * quarter of it would be left for the forward passes.
     */
    static void requireRoomFor(Path pkg, long weightBytes, Precision precision) {
        OptionalLong available = available();
        if (available.isEmpty()) {
            return;
        }
        long free = available.getAsLong();
        String sizes = gb(weightBytes) + " of weights (precision " + precision.label() + ")";
        if (weightBytes > free) {
            throw new ModelPackageException("model package " + pkg + " needs " + sizes + " but only " + gb(free)
                    + " of memory is available" + (precision == Precision.F32
                            ? "; precision auto keeps 16-bit weights at half the size (--precision auto)"
                            : "; close other programs or use a machine with more memory"));
        }
        if (weightBytes * 5 / 4 > free) {
            LOG.warn("model package {} needs {}; {} of memory is available, little room is left for the forward"
                    + " passes", pkg, sizes, gb(free));
        }
    }

    /** MemAvailable of {@code /proc/meminfo} (Linux), in bytes. */
    static OptionalLong available() {
        if (!Files.isReadable(MEMINFO)) {
            return OptionalLong.empty();
        }
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemAvailable:")) {
                    String kb = line.substring("MemAvailable:".length()).replace("kB", "").strip();
                    return OptionalLong.of(Long.parseLong(kb) * 1024);
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("cannot read {}", MEMINFO, e);
        }
        return OptionalLong.empty();
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }
}
