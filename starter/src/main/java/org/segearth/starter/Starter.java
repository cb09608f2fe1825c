package org.segearth.starter;

import java.util.List;

/**
 * What the starter {@code org.segearth:segearth} brings: see the package documentation.
 *
 * <pre>{@code
 * Starter.ARTIFACTS.forEach(System.out::println);   // org.segearth:segearth-api, ...
 * }</pre>
 */
public final class Starter {

    /** The artifacts the starter depends on, as {@code groupId:artifactId}. */
    public static final List<String> ARTIFACTS = List.of(
            "org.segearth:segearth-api",
            "org.segearth:segearth-runtime",
            "org.segearth:segearth-encoders",
            "org.segearth:segearth-llm-phi",
            "org.segearth:segearth-heads-mask2former",
            "org.segearth:segearth-heads-sam",
            "org.segearth:segearth-demo-model");

    private Starter() {}
}
