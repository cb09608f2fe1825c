package org.segearth.runtime.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.segearth.api.SegEarthException;

/**
 * Opens a benchmark split by name, as the CLI's {@code eval --dataset NAME --root DIR --split S}.
 *
 * <pre>{@code
 * BenchmarkDataset ds = Datasets.open("earthreason", Path.of("/data/EarthReason"), "val");
 * }</pre>
 */
public final class Datasets {

    /** The benchmark names {@link #open} knows. */
    public static final List<String> NAMES = List.of("lasers", "refsegrs", "earthreason", "rrsisd");

    private Datasets() {}

    /** Opens split {@code split} of benchmark {@code name} under {@code root}. */
    public static BenchmarkDataset open(String name, Path root, String split) {
        return switch (name.toLowerCase(Locale.ROOT).replace("-", "")) {
            case "lasers" -> new LaSeRSDataset(root, split);
            case "refsegrs" -> new RefSegRSDataset(root, split);
            case "earthreason" -> new EarthReasonDataset(root, split);
            case "rrsisd" -> new RrsisdDataset(root, split);
            default -> throw new SegEarthException("unknown dataset '" + name + "'; expected one of " + NAMES);
        };
    }
}
