package org.segearth.spi;

import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.segearth.spi.config.JsonConfig;

/**
 * What a provider gets to build its component: the checkpoint view, the component's
 * {@code config.json}, the folder it came from and free-form options.
 *
 * <pre>{@code
 * NDManager manager = Engines.newManager();
 * Path dir = Path.of("segearth-r2/mask_head");
 * ComponentContext context = new ComponentContext(dir, JsonConfig.read(dir.resolve("config.json")),
 *         Checkpoint.open(dir, manager), Map.of());
 * try (MaskEncoder encoder = new ProviderRegistry().find(MaskEncoderProvider.class, "swin").create(context)) {
 *     String engine = context.option("engine").orElse("pytorch");
 * }
 * }</pre>
 *
 * @param directory the folder holding the component's files
 * @param config the parsed {@code config.json} of the component
 * @param weights the checkpoint, scoped to the component's root
 * @param options provider-specific options (e.g. {@code engine=onnx}); never null
 */
public record ComponentContext(Path directory, JsonConfig config, Weights weights, Map<String, String> options) {

    public ComponentContext {
        options = Map.copyOf(options);
    }

    /** The manager that owns the component's weights. */
    public NDManager manager() {
        return weights.manager();
    }

    /** The option {@code key}, if set. */
    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }
}
