package org.segearth.runtime.parity;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;
import org.segearth.spi.config.JsonConfig;

/**
 * Runs the {@link ParityCheck} for a reference dump folder. The component is recognised from the
 * folder's name ({@code preprocess}, {@code siglip_vision}, {@code phi}, {@code mask2former},
 * {@code sam}, {@code losses}, {@code metrics}, {@code segearth_r2_tiny}).
 *
 * <pre>{@code
 * ParityResult r = new ParityRunner().run(Path.of("goldens/phi"), System.out::println);
 * System.out.println(r.verdict());
 * }</pre>
 */
public final class ParityRunner {

    /** The components a dump folder may hold. */
    public static final List<String> COMPONENTS = List.of(
            "preprocess", "siglip_vision", "phi", "mask2former", "sam", "losses", "metrics", "segearth_r2_tiny",
            "official_r2_tiny");

    private final Map<String, ParityCheck> checks = new TreeMap<>();

    /** Finds the checks on the class path of the current thread. */
    public ParityRunner() {
        this(Thread.currentThread().getContextClassLoader());
    }

    /** Finds the checks through {@code loader}. */
    public ParityRunner(ClassLoader loader) {
        for (ParityCheck check : ServiceLoader.load(ParityCheck.class, loader)) {
            checks.putIfAbsent(check.component(), check);
        }
    }

    /** The components for which a check is on the class path. */
    public List<String> available() {
        return List.copyOf(checks.keySet());
    }

    /** The component a dump folder holds, from its name. */
    public static String componentOf(Path dir) {
        Path name = dir.toAbsolutePath().normalize().getFileName();
        return name == null ? "" : name.toString();
    }

    /** Runs the check for {@code dir}, reporting one line per comparison to {@code lines}. */
    public ParityResult run(Path dir, Consumer<String> lines) {
        String component = componentOf(dir);
        if (!Files.isDirectory(dir)) {
            return new ParityResult(component, false, List.of(), "no such folder: " + dir);
        }
        if (!COMPONENTS.contains(component)) {
            return new ParityResult(component, false, List.of(), "unknown component '" + component
                    + "'; the folder must be named one of " + COMPONENTS);
        }
        ParityCheck check = checks.get(component);
        if (check == null) {
            return new ParityResult(component, false, List.of(), "not implemented");
        }
        if (!Files.exists(dir.resolve("io.safetensors"))) {
            return new ParityResult(component, false, List.of(), "no io.safetensors in " + dir);
        }
        Engines.init();
        List<TensorComparison> comparisons = new ArrayList<>();
        try (NDManager manager = Engines.newManager();
                Context context = new Context(dir, manager, comparisons, lines)) {
            check.run(context);
        } catch (Exception | StackOverflowError e) {
            String message = e.getMessage() == null ? e.toString() : e.getMessage();
            return new ParityResult(component, false, comparisons, message.replace('\n', ' '));
        }
        if (comparisons.isEmpty()) {
            return new ParityResult(component, false, comparisons, "the check compared nothing");
        }
        boolean ok = comparisons.stream().allMatch(TensorComparison::ok);
        return new ParityResult(component, ok, comparisons, null);
    }

    private static final class Context implements ParityContext, AutoCloseable {
        private final Path dir;
        private final NDManager manager;
        private final List<TensorComparison> comparisons;
        private final Consumer<String> lines;
        private final Map<String, Checkpoint> checkpoints = new HashMap<>();
        private final Checkpoint io;

        Context(Path dir, NDManager manager, List<TensorComparison> comparisons, Consumer<String> lines) {
            this.dir = dir;
            this.manager = manager;
            this.comparisons = comparisons;
            this.lines = lines;
            this.io = Checkpoint.open(dir.resolve("io.safetensors"), manager);
        }

        @Override
        public Path directory() {
            return dir;
        }

        @Override
        public NDManager manager() {
            return manager;
        }

        @Override
        public Weights io() {
            return io;
        }

        @Override
        public Weights checkpoint(String sub) {
            return checkpoints.computeIfAbsent(sub, s -> Checkpoint.open(s.isEmpty() ? dir : dir.resolve(s), manager));
        }

        @Override
        public JsonConfig config(String sub) {
            return JsonConfig.read((sub.isEmpty() ? dir : dir.resolve(sub)).resolve("config.json"));
        }

        @Override
        public void compare(String expected, NDArray actual, double atol, double rtol) {
            if (!io.contains(expected)) {
                throw new SegEarthException("io.safetensors in " + dir + " has no expected tensor '" + expected + "'");
            }
            try (NDManager scratch = manager.newSubManager()) {
                NDArray e = io.get(expected);
                e.attach(scratch);
                add(TensorComparison.compare(expected, actual, e, atol, rtol));
            }
        }

        @Override
        public void compareScalar(String name, double actual, double expected, double atol, double rtol) {
            try (NDManager scratch = manager.newSubManager()) {
                add(TensorComparison.compare(name, scratch.create(actual), scratch.create(expected), atol, rtol));
            }
        }

        private void add(TensorComparison c) {
            comparisons.add(c);
            lines.accept(c.describe());
        }

        @Override
        public void close() {
            io.close();
            checkpoints.values().forEach(Checkpoint::close);
        }
    }
}
