package org.segearth.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.SegmentationHeadProvider;

/**
 * The contract of a {@link SegmentationHeadProvider} and its {@link SegmentationHead}. A head is
 * matched to a mask encoder by its {@link SegmentationHead#inputSpec()} (channels and strides),
 * and picked by the provider's name ({@code head("name")}, the manifest's {@code mask_head}
 * component); when the head needs its own encoder, ship a {@code MaskEncoderProvider} of the
 * same name, which the pipeline picks for it.
 */
public abstract class SegmentationHeadContract extends ComponentContract<SegmentationHeadProvider, SegmentationHead> {

    @Override
    protected final Class<SegmentationHeadProvider> spi() {
        return SegmentationHeadProvider.class;
    }

    @Override
    protected final SegmentationHead build(SegmentationHeadProvider provider, ComponentContext context) {
        return provider.create(context);
    }

    /** Height and width of the image the test features stand for (default 64 x 64). */
    protected int[] imageSize() {
        return new int[] {64, 64};
    }

    /**
     * Feature maps for one image that satisfy {@code spec}: by default seeded random maps of
     * {@code ceil(side / stride)} cells per level. Override when the head needs real features.
     */
    protected List<NDArray> features(NDManager manager, FeatureSpec spec) {
        List<NDArray> maps = new ArrayList<>();
        int[] size = imageSize();
        for (FeatureSpec.Level l : spec.levels()) {
            maps.add(random(manager, 7 + maps.size(),
                    new Shape(1, l.channels(), ceil(size[0], l.stride()), ceil(size[1], l.stride()))));
        }
        return maps;
    }

    /** {@code targets} seeded random queries of the head's width. */
    protected NDArray queries(NDManager manager, int targets, int width) {
        return random(manager, 11, new Shape(targets, width));
    }

    @Override
    protected float[] runOnce(SegmentationHead head, NDManager manager) {
        return head.predict(features(manager, head.inputSpec()), queries(manager, 2, head.queryDim())).maskLogits()
                .toFloatArray();
    }

    @Test
    void declaresItsInputs() {
        SegmentationHead head = create(context());
        FeatureSpec spec = head.inputSpec();
        assertNotNull(spec, "inputSpec");
        int last = 0;
        for (FeatureSpec.Level l : spec.levels()) {
            assertTrue(l.channels() > 0, "channels of " + l);
            assertTrue(l.stride() > last, "strides must grow from the finest level: " + spec.levels());
            last = l.stride();
        }
        assertTrue(head.queryDim() > 0, "queryDim");
    }

    @Test
    void oneMaskPerQuery() {
        ComponentContext context = context();
        SegmentationHead head = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            SegmentationHead.HeadOutput out = head.predict(features(m, head.inputSpec()), queries(m, 3, head.queryDim()));
            Shape s = out.maskLogits().getShape();
            assertEquals(3, s.dimension(), "maskLogits is [targets, h, w], got " + s);
            assertEquals(3, s.get(0), "one mask per query");
            assertTrue(s.get(1) > 0 && s.get(2) > 0, "mask size " + s);
            assertTrue(out.stride() > 0, "stride");
            int[] size = imageSize();
            assertTrue(Math.abs(s.get(1) - (double) size[0] / out.stride()) <= 1
                    && Math.abs(s.get(2) - (double) size[1] / out.stride()) <= 1,
                    "a " + size[0] + "x" + size[1] + " image at stride " + out.stride() + " gives masks of about "
                            + size[0] / out.stride() + "x" + size[1] / out.stride() + ", got " + s);
            assertFinite(out.maskLogits(), "mask logits");
            for (NDArray aux : out.auxMaskLogits()) {
                assertEquals(3, aux.getShape().get(0), "auxiliary logits are per target too");
            }
            if (out.scores() != null) {
                assertEquals(new Shape(3), out.scores().getShape(), "scores are one per target");
            }
        }
    }

    @Test
    void noQueryGivesNoMask() {
        ComponentContext context = context();
        SegmentationHead head = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            SegmentationHead.HeadOutput out = head.predict(features(m, head.inputSpec()),
                    m.zeros(new Shape(0, head.queryDim())));
            assertEquals(0, out.maskLogits().getShape().get(0), "an answer without [SEG] has no target");
        }
    }

    @Test
    void targetsAreIndependent() {
        ComponentContext context = context();
        SegmentationHead head = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            List<NDArray> features = features(m, head.inputSpec());
            NDArray queries = queries(m, 3, head.queryDim());
            NDArray batched = head.predict(features, queries).maskLogits();
            NDArray alone = head.predict(features, queries.get("1:2")).maskLogits();
            assertClose(batched.get("1:2").toFloatArray(), alone.toFloatArray(), tolerance(), "target 1 batched and alone");
        }
    }

    @Test
    void queriesOfAnotherWidthAreRefused() {
        ComponentContext context = context();
        SegmentationHead head = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            List<NDArray> features = features(m, head.inputSpec());
            NDArray wrong = queries(m, 1, head.queryDim() + 1);
            assertOneLineError(() -> head.predict(features, wrong), "queries of width " + (head.queryDim() + 1));
        }
    }

    @Test
    void featuresThatMissALevelAreRefused() {
        ComponentContext context = context();
        SegmentationHead head = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            List<NDArray> features = new ArrayList<>(features(m, head.inputSpec()));
            NDArray queries = queries(m, 1, head.queryDim());
            features.remove(features.size() - 1);
            assertOneLineError(() -> head.predict(features, queries), "features with one level missing");
        }
    }

    static int ceil(int a, int b) {
        return (a + b - 1) / b;
    }
}
