package org.segearth.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.segearth.api.ModelPackageException;
import org.segearth.api.Segmenter;
import org.segearth.api.SegmenterBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM (an executor, or the driver in local mode): one {@link Segmenter} per
 * {@link ModelSpec}, loaded by the first task that asks for it while the others wait, used by all
 * tasks at once (a segmenter is thread-safe) and closed when the JVM ends.
 */
final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<ModelSpec, Segmenter> MODELS = new HashMap<>();
    private static boolean hooked;

    private ExecutorModels() {}

    /** The model of {@code spec}, loaded on first use. */
    static synchronized Segmenter get(ModelSpec spec) {
        Segmenter s = MODELS.get(spec);
        if (s == null) {
            int threads = threads(spec);
            long t0 = System.nanoTime();
            SegmenterBuilder b = org.segearth.api.Segmenter.builder().precision(spec.precision()).threads(threads)
                    .maskLogits(spec.maskLogits());
            if (spec.model() != null) {
                b.model(resolve(spec.model()));
            }
            if (spec.head() != null) {
                b.head(spec.head());
            }
            s = b.build();
            LOG.info("loaded {} with {} intra-op threads in {} s", spec.describe(), threads,
                    String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
            MODELS.put(spec, s);
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "segearth-models-close"));
            }
        }
        return s;
    }

    /**
     * Intra-op threads: the spec's, else the cores one task holds ({@code spark.task.cpus}, 1 by
     * default), so that the tasks an executor runs at once use its cores and no more.
     */
    static int threads(ModelSpec spec) {
        if (spec.threads() > 0) {
            return spec.threads();
        }
        TaskContext task = TaskContext.get();
        return task == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, task.cpus());
    }

    /**
     * The package folder on this machine: {@code model} as a path (or {@code file:} URI) if it
     * exists here, else the file of that name shipped with {@code --files} or {@code --archives}.
     */
    static Path resolve(String model) {
        Path local = model.startsWith("file:") ? Path.of(java.net.URI.create(model)) : Path.of(model);
        if (Files.exists(local)) {
            return local;
        }
        String shipped = null;
        try {
            shipped = SparkFiles.get(local.getFileName().toString());
            if (Files.exists(Path.of(shipped))) {
                return Path.of(shipped);
            }
        } catch (RuntimeException e) {
            LOG.debug("no SparkFiles here: {}", e.toString());
        }
        throw new ModelPackageException("model package '" + model + "' is not on this executor: neither "
                + local.toAbsolutePath() + (shipped == null ? "" : " nor the shipped file " + shipped)
                + " exists; give a folder every executor can read (a shared file system) or ship the package"
                + " with --archives model.zip#model and use the name 'model'");
    }

    private static synchronized void closeAll() {
        MODELS.values().forEach(m -> {
            try {
                m.close();
            } catch (RuntimeException e) {
                LOG.debug("closing a model at exit: {}", e.toString());
            }
        });
        MODELS.clear();
    }
}
