package org.segearth.spark;

import java.io.Serializable;
import java.util.Optional;
import org.segearth.geo.SceneOptions;

/**
 * The {@link SceneOptions} of a scene job as they travel to the executors (the options themselves
 * hold a progress listener and are not serializable). Progress is not reported from executors.
 */
record SceneSpec(int[] bands, Double stretchMin, Double stretchMax, int tile, int overlap, double simplify,
        boolean nativeVectorCrs, double inputGsd, int tileBatch) implements Serializable {

    private static final long serialVersionUID = 1L;

    SceneSpec {
        bands = bands.clone();
    }

    static SceneSpec of(SceneOptions o) {
        return new SceneSpec(o.bands(), o.stretchMin().orElse(null), o.stretchMax().orElse(null), o.tile(), o.overlap(),
                o.simplify(), o.nativeVectorCrs(), o.inputGsd(), o.tileBatch());
    }

    SceneOptions toOptions() {
        return new SceneOptions(bands, Optional.ofNullable(stretchMin), Optional.ofNullable(stretchMax), tile, overlap,
                simplify, nativeVectorCrs, inputGsd, tileBatch, null);
    }
}
