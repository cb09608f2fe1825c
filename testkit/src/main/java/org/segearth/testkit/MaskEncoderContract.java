package org.segearth.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;

/**
 * The contract of a {@link MaskEncoderProvider} and its {@link MaskEncoder}: the maps it returns
 * are the ones its {@link MaskEncoder#outputSpec()} declares (a head is matched to it by that
 * spec), one per level, finest first.
 */
public abstract class MaskEncoderContract extends ComponentContract<MaskEncoderProvider, MaskEncoder> {

    @Override
    protected final Class<MaskEncoderProvider> spi() {
        return MaskEncoderProvider.class;
    }

    @Override
    protected final MaskEncoder build(MaskEncoderProvider provider, ComponentContext context) {
        return provider.create(context);
    }

    /** Height and width of the test images (default 64 x 64; an encoder with a fixed input size overrides it). */
    protected int[] imageSize() {
        return new int[] {64, 64};
    }

    /** {@code batch} seeded random normalised images. */
    protected NDArray pixels(NDManager manager, int batch) {
        int[] size = imageSize();
        return random(manager, 5, new Shape(batch, 3, size[0], size[1]));
    }

    @Override
    protected float[] runOnce(MaskEncoder encoder, NDManager manager) {
        return encoder.encode(pixels(manager, 1)).get(0).toFloatArray();
    }

    @Test
    void mapsAreTheDeclaredOnes() {
        ComponentContext context = context();
        MaskEncoder encoder = create(context);
        FeatureSpec spec = encoder.outputSpec();
        try (NDManager m = context.manager().newSubManager()) {
            List<NDArray> maps = encoder.encode(pixels(m, 1));
            assertEquals(spec.levels().size(), maps.size(), "one map per level of " + spec.levels());
            int[] size = imageSize();
            for (int i = 0; i < maps.size(); i++) {
                Shape s = maps.get(i).getShape();
                FeatureSpec.Level l = spec.levels().get(i);
                assertEquals(4, s.dimension(), "maps are NCHW, got " + s);
                assertEquals(1, s.get(0), "batch");
                assertEquals(l.channels(), s.get(1), "channels of level " + i);
                assertTrue(Math.abs(s.get(2) - (double) size[0] / l.stride()) <= 1
                        && Math.abs(s.get(3) - (double) size[1] / l.stride()) <= 1,
                        "level " + i + " (stride " + l.stride() + ") of a " + size[0] + "x" + size[1] + " image: " + s);
                assertFinite(maps.get(i), "level " + i);
            }
        }
    }

    @Test
    void aBatchGivesEachImageItsOwnMaps() {
        ComponentContext context = context();
        MaskEncoder encoder = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            NDArray two = pixels(m, 2);
            NDArray batched = encoder.encode(two).get(0);
            NDArray alone = encoder.encode(two.get("1:2")).get(0);
            assertClose(batched.get("1:2").toFloatArray(), alone.toFloatArray(), tolerance(), "image 1 batched and alone");
        }
    }

    @Test
    void imagesWithoutThreeChannelsAreRefused() {
        ComponentContext context = context();
        MaskEncoder encoder = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            int[] size = imageSize();
            NDArray four = m.zeros(new Shape(1, 4, size[0], size[1]));
            assertOneLineError(() -> encoder.encode(four), "a 4-channel image");
        }
    }
}
