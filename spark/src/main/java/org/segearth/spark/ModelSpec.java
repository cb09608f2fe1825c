package org.segearth.spark;

import java.io.Serializable;

/**
 * Which model an executor loads and how: the package location as every executor sees it (null
 * for the embedded demo model), the head, the precision, and PyTorch's intra-op threads (0: the
 * cores a task holds, {@code spark.task.cpus}). Equal specs share one loaded model per executor JVM.
 *
 * @param model a model package folder readable on every executor (absolute path, path relative
 *     to the executor's working directory, {@code file:} URI, or the name of a file or archive
 *     shipped with {@code --files}/{@code --archives}), or null for the embedded demo model
 * @param head the head provider name, or null for the package's
 * @param precision {@code auto}, {@code f32}, {@code f16-upcast} or {@code f16}
 * @param threads intra-op threads, 0 for the task's cores
 * @param maskLogits whether targets carry their mask logits (the scene stage blends tiles on them)
 */
record ModelSpec(String model, String head, String precision, int threads, boolean maskLogits) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** What the spec names, for messages. */
    String describe() {
        return model == null ? "the embedded demo model" : "the model package " + model;
    }
}
