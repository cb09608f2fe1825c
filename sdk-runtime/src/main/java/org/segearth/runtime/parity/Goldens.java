package org.segearth.runtime.parity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.segearth.api.SegEarthException;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.Weights;
import org.segearth.spi.config.JsonConfig;

/**
 * Locates the reference dumps kept in the repository's {@code testdata/goldens} folder; the build
 * passes the folder to tests as the system property {@code segearth.testdata}.
 */
public final class Goldens {

    private Goldens() {}

    /** The dump folder {@code name} (e.g. {@code "phi"}). */
    public static Path dir(String name) {
        Path dir = testdata().resolve("goldens").resolve(name);
        if (!Files.isDirectory(dir)) {
            throw new SegEarthException("reference dump " + dir + " does not exist");
        }
        return dir;
    }

    /**
     * The context a provider gets for the dump folder {@code dir}: its {@code config.json},
     * {@code weights} (usually the folder's checkpoint) and {@code options}.
     */
    public static ComponentContext context(Path dir, Weights weights, Map<String, String> options) {
        return new ComponentContext(dir, JsonConfig.read(dir.resolve("config.json")), weights, options);
    }

    /** The repository's test data folder. */
    public static Path testdata() {
        String root = System.getProperty("segearth.testdata");
        if (root == null) {
            throw new SegEarthException("system property segearth.testdata is not set; run the tests through Maven");
        }
        return Path.of(root);
    }
}
