package org.segearth.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.VisionEncoderProvider;

/**
 * The contract of a {@link VisionEncoderProvider} and its {@link VisionEncoder}: square images of
 * {@link VisionEncoder#imageSize()} become {@link VisionEncoder#numTokens()} projected tokens each.
 */
public abstract class VisionEncoderContract extends ComponentContract<VisionEncoderProvider, VisionEncoder> {

    @Override
    protected final Class<VisionEncoderProvider> spi() {
        return VisionEncoderProvider.class;
    }

    @Override
    protected final VisionEncoder build(VisionEncoderProvider provider, ComponentContext context) {
        return provider.create(context);
    }

    /** {@code batch} seeded random normalised images of the encoder's size. */
    protected NDArray pixels(NDManager manager, int batch, int side) {
        return random(manager, 3, new Shape(batch, 3, side, side));
    }

    @Override
    protected float[] runOnce(VisionEncoder encoder, NDManager manager) {
        return encoder.encode(pixels(manager, 1, encoder.imageSize())).toFloatArray();
    }

    @Test
    void oneTokenRowPerPatch() {
        ComponentContext context = context();
        VisionEncoder encoder = create(context);
        assertTrue(encoder.imageSize() > 0 && encoder.numTokens() > 0, "imageSize and numTokens");
        try (NDManager m = context.manager().newSubManager()) {
            NDArray tokens = encoder.encode(pixels(m, 1, encoder.imageSize()));
            Shape s = tokens.getShape();
            assertEquals(3, s.dimension(), "tokens are [batch, numTokens, width], got " + s);
            assertEquals(1, s.get(0));
            assertEquals(encoder.numTokens(), s.get(1), "numTokens");
            assertTrue(s.get(2) > 0, "width");
            assertFinite(tokens, "image tokens");
        }
    }

    @Test
    void aBatchGivesEachImageItsOwnTokens() {
        ComponentContext context = context();
        VisionEncoder encoder = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            NDArray two = pixels(m, 2, encoder.imageSize());
            NDArray batched = encoder.encode(two);
            NDArray alone = encoder.encode(two.get("1:2"));
            assertClose(batched.get("1:2").toFloatArray(), alone.toFloatArray(), tolerance(), "image 1 batched and alone");
        }
    }

    @Test
    void anImageTooSmallForOnePatchIsRefused() {
        ComponentContext context = context();
        VisionEncoder encoder = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            NDArray tiny = m.zeros(new Shape(1, 3, 2, 2));
            assertOneLineError(() -> encoder.encode(tiny), "a 2x2 image");
        }
    }
}
