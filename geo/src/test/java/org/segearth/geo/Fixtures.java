package org.segearth.geo;

import java.nio.file.Path;

/** The GeoTIFF fixtures of {@code testdata/geo}. */
final class Fixtures {

    private Fixtures() {}

    static Path geo(String name) {
        String root = System.getProperty("segearth.testdata", "../testdata");
        return Path.of(root, "geo", name);
    }
}
