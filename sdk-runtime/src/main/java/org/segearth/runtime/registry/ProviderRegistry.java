package org.segearth.runtime.registry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.segearth.api.ProviderNotFoundException;
import org.segearth.api.SegEarthException;
import org.segearth.spi.LanguageModelProvider;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.Provider;
import org.segearth.spi.SegmentationHeadProvider;
import org.segearth.spi.VisionEncoderProvider;

/**
 * Finds component providers with {@link ServiceLoader}: an explicit name wins, else the highest
 * priority. When none fits, the error says what was asked, what was found and which artifact to
 * add.
 *
 * <pre>{@code
 * SegmentationHeadProvider head = new ProviderRegistry().find(SegmentationHeadProvider.class, "sam");
 * }</pre>
 */
public final class ProviderRegistry {

    /** The provider interfaces and how messages call them. */
    public static final Map<Class<? extends Provider>, String> KINDS = Map.of(
            VisionEncoderProvider.class, "vision encoder",
            LanguageModelProvider.class, "language model",
            MaskEncoderProvider.class, "mask encoder",
            SegmentationHeadProvider.class, "segmentation head");

    /** The artifact that brings each known provider name. */
    private static final Map<String, String> ARTIFACTS = Map.of(
            "siglip", "org.segearth:segearth-encoders",
            "siglip-onnx", "org.segearth:segearth-encoders",
            "swin", "org.segearth:segearth-encoders",
            "phi", "org.segearth:segearth-llm-phi",
            "mask2former", "org.segearth:segearth-heads-mask2former",
            "sam", "org.segearth:segearth-heads-sam");

    private static final Map<Class<? extends Provider>, String> DEFAULT_ARTIFACTS = Map.of(
            VisionEncoderProvider.class, "org.segearth:segearth-encoders",
            LanguageModelProvider.class, "org.segearth:segearth-llm-phi",
            MaskEncoderProvider.class, "org.segearth:segearth-encoders",
            SegmentationHeadProvider.class, "org.segearth:segearth-heads-mask2former");

    private final ClassLoader loader;

    /** Looks on the class path of the current thread. */
    public ProviderRegistry() {
        this(Thread.currentThread().getContextClassLoader());
    }

    /** Looks through {@code loader}. */
    public ProviderRegistry(ClassLoader loader) {
        this.loader = loader;
    }

    /** Every provider of {@code spi}, highest priority first, then by name. */
    public <P extends Provider> List<P> all(Class<P> spi) {
        List<P> found = new ArrayList<>();
        try {
            for (P p : ServiceLoader.load(spi, loader)) {
                found.add(p);
            }
        } catch (ServiceConfigurationError e) {
            throw new SegEarthException("a " + kind(spi) + " provider on the class path is broken: " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingInt((P p) -> -p.priority()).thenComparing(Provider::name));
        return found;
    }

    /**
     * The provider named {@code name}, or the highest-priority one when {@code name} is null or
     * blank.
     */
    public <P extends Provider> P find(Class<P> spi, String name) {
        List<P> found = all(spi);
        if (name == null || name.isBlank()) {
            if (found.isEmpty()) {
                throw new ProviderNotFoundException("no " + kind(spi) + " on the class path; add "
                        + DEFAULT_ARTIFACTS.getOrDefault(spi, "an artifact that provides one"));
            }
            return found.get(0);
        }
        for (P p : found) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new ProviderNotFoundException("no " + kind(spi) + " named '" + name + "' on the class path; found "
                + found.stream().map(Provider::name).toList() + "; add "
                + ARTIFACTS.getOrDefault(name, "the artifact that provides it"));
    }

    /** What messages call providers of {@code spi}. */
    public static String kind(Class<?> spi) {
        return KINDS.getOrDefault(spi, spi.getSimpleName());
    }
}
