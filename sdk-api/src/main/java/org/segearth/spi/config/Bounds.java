package org.segearth.spi.config;

import java.util.function.Supplier;
import org.segearth.api.ModelPackageException;
import org.segearth.api.SegEarthException;

/**
 * The sane ranges of configuration numbers, checked when a config record is built: a value
 * outside them would divide by zero, overflow a size or allocate without bound long before a
 * checkpoint's shapes could disagree. Errors name the config, the field (Hugging Face's name),
 * the value and the range: a {@link SegEarthException} from a record's constructor, turned into a
 * {@link ModelPackageException} naming the file when the record is read from one.
 */
final class Bounds {

    /** The widest hidden size accepted (4x the widest public models'). */
    static final int MAX_WIDTH = 1 << 16;
    /** The widest feed-forward size accepted. */
    static final int MAX_FFN = 1 << 18;
    /** The most layers of one stack accepted. */
    static final int MAX_LAYERS = 1024;
    /** The largest vocabulary accepted. */
    static final int MAX_VOCAB = 1 << 22;
    /** The largest image side, in pixels, an encoder config may ask for. */
    static final int MAX_IMAGE_SIDE = 4096;
    /** The most channels of an input image. */
    static final int MAX_CHANNELS = 16;

    private Bounds() {}

    static int range(String config, String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new SegEarthException(config + ": " + field + " is " + value + "; expected " + min + " to " + max);
        }
        return value;
    }

    static double range(String config, String field, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new SegEarthException(config + ": " + field + " is " + value + "; expected a number from " + min
                    + " to " + max);
        }
        return value;
    }

    /** A positive number below {@code max} (a layer-norm epsilon, a rope theta). */
    static double positive(String config, String field, double value, double max) {
        if (!(value > 0 && value <= max)) {
            throw new SegEarthException(config + ": " + field + " is " + value + "; expected a number above 0 and"
                    + " at most " + max);
        }
        return value;
    }

    /** {@code heads} heads of equal width over {@code width} channels. */
    static void divides(String config, String headsField, int heads, String widthField, int width) {
        range(config, headsField, heads, 1, Math.max(1, width));
        if (width % heads != 0) {
            throw new SegEarthException(config + ": " + widthField + " " + width + " must be a multiple of "
                    + headsField + " " + heads);
        }
    }

    /** Builds a config record from {@code c}; a bound it breaks is reported with {@code c}'s file. */
    static <T> T from(JsonConfig c, Supplier<T> build) {
        try {
            return build.get();
        } catch (SegEarthException e) {
            if (e instanceof ModelPackageException && e.getMessage() != null && e.getMessage().startsWith(c.source())) {
                throw e;
            }
            String where = c.source() + (c.path().isEmpty() ? "" : " (" + c.path() + ")");
            throw new ModelPackageException(where + ": " + e.getMessage(), e);
        }
    }
}
