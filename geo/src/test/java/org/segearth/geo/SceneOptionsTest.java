package org.segearth.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.segearth.api.InvalidInputException;

class SceneOptionsTest {

    @Test
    void theDefaultTileIsTheModelsInputSideWhateverTheScenesResolution() {
        SceneOptions d = SceneOptions.defaults();
        assertEquals(224, d.tileSide(224, OptionalDouble.of(0.5)));
        assertEquals(1024, d.tileSide(1024, OptionalDouble.empty()));
        assertEquals(28, d.overlapPixels(224));
        assertEquals(300, d.withTile(300, 20).tileSide(224, OptionalDouble.of(0.5)));
        assertEquals(20, d.withTile(300, 20).overlapPixels(300));
        assertEquals(SceneOptions.DEFAULT_TILE, SceneOptions.modelInputSide(new SceneSegmenterTest.ThresholdSegmenter()));
    }

    @Test
    void anInputGsdResamplesTilesToTheInputSide() {
        SceneOptions o = SceneOptions.defaults().withInputGsd(1.0);
        // a 0.3 m scene for a model that should see 1 m pixels: 1024 x 1 / 0.3 = 3413 scene pixels a tile
        assertEquals(3413, o.tileSide(1024, OptionalDouble.of(0.3)));
        // a 2 m scene: tiles of half the input side, enlarged to it
        assertEquals(512, o.tileSide(1024, OptionalDouble.of(2.0)));
        // clamped to 64 .. 8 x the input side
        assertEquals(64, o.tileSide(1024, OptionalDouble.of(100.0)));
        assertEquals(8 * 224, o.tileSide(224, OptionalDouble.of(0.01)));
        // an unknown resolution keeps the input side
        assertEquals(224, o.tileSide(224, OptionalDouble.empty()));
    }

    @Test
    void conflictingOrOutOfRangeTilingIsRefusedInOneLine() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SceneOptions.defaults().withTile(512, 0).withInputGsd(1.0));
        assertTrue(e.getMessage().contains("--tile or --gsd"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> SceneOptions.defaults().withInputGsd(-1));
        assertTrue(e.getMessage().contains("--gsd"), e.getMessage());
        // an explicit overlap is checked against the tile the model gives
        e = assertThrows(InvalidInputException.class, () -> SceneOptions.defaults().withTile(0, 120).overlapPixels(224));
        assertTrue(e.getMessage().contains("--overlap 120") && e.getMessage().contains("(224)"), e.getMessage());
    }
}
