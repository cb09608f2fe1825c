package org.segearth.runtime.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.train.SegEarthLossParity;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;

/**
 * Parity of the whole model (the {@code segearth_r2_tiny} dump, a complete package minus the
 * manifest and tokenizer): the image through both preprocessings and encoders, the token ids of
 * the dump spliced and run teacher-forced through the language model with LoRA, the [SEG] hidden
 * states, queries, mask logits and masks at the original size. Components are found on the class
 * path. The training losses of the dump belong to the training facade's check.
 */
public final class SegEarthParityCheck implements ParityCheck {

    /** The notes' tolerance: "logits/queries max abs diff 2e-4". */
    static final double ATOL = 2e-4;
    static final double RTOL = 1e-4;
    /** Masks may differ where the logit is within this of 0 (the notes). */
    static final double MASK_LOGIT_MARGIN = 1e-3;
    /**
     * Relative tolerance of the head's logits: the {@code mask2former} dump's own ("1e-3 relative on
     * mask logits"). The tiny head's logits are dot products of terms that reach +-260; float32
     * differences of ~1e-6 upstream (pixel decoder, queries; each within its tolerance) become up to
     * ~8e-4 in the logits, also where the terms cancel to near 0.
     */
    static final double HEAD_RTOL = 1e-3;
    /**
     * Absolute tolerance of the head's logits: the notes let masks differ where the logit is within
     * {@link #MASK_LOGIT_MARGIN} of 0, i.e. they expect logits near 0 to be off by up to that much.
     */
    static final double HEAD_ATOL = MASK_LOGIT_MARGIN;

    @Override
    public String component() {
        return "segearth_r2_tiny";
    }

    @Override
    public void run(ParityContext context) {
        Weights io = context.io();
        int frame = (int) io.shapeOf("swin_pixel_values")[2];
        ModelPackage pkg = ModelPackage.open(context.directory(), Manifest.defaults().withMaskImageSize(frame));
        run(context, pkg, "");
    }

    /**
     * Runs {@code pkg} on the dump's inputs and compares; with a {@code prefix} only the head's
     * outputs are compared, to the expected tensors of that prefix ({@code hf_semantics_mask_logits}
     * ...), the rest having been compared without it.
     */
    static void run(ParityContext context, ModelPackage pkg, String prefix) {
        Weights io = context.io();
        try (SegEarthModel model = SegEarthModel.load(pkg, ModelOptions.defaults());
                NDManager m = model.manager().newSubManager()) {
            TokenInput tokens = TokenInput.of(ids(io, "prefix_ids"), ids(io, "instruction_ids"), ids(io, "answer_ids"));
            ImageEncoding image = model.encodeImage(m, image(io), true, StageTimer.NONE);
            SegEarthOutput out = model.forward(m, image, tokens, new PassOptions(true, PassOptions.Attentions.ALL),
                    StageTimer.NONE);
            if (prefix.isEmpty()) {
                compareImage(context, m, image);
                compareText(context, m, out);
            }
            compareMasks(context, m, out, prefix);
            SegEarthLossParity.compare(context, out, prefix);
        }
    }

    private static void compareImage(ParityContext context, NDManager m, ImageEncoding image) {
        context.compare("siglip_pixel_values", image.siglipPixelValues(), ATOL, RTOL);
        context.compare("swin_pixel_values", image.maskPixelValues(), ATOL, RTOL);
        context.compareExact("valid_hw", m.create(new long[] {image.validHeight(), image.validWidth()}));
        context.compare("image_features", image.imageFeatures(), ATOL, RTOL);
        context.compare("image_embeds", image.imageEmbeds(), ATOL, RTOL);
        for (int i = 0; i < image.maskFeatures().size(); i++) {
            if (context.io().contains("backbone_features_" + i)) {
                context.compare("backbone_features_" + i, image.maskFeatures().get(i), ATOL, RTOL);
            }
        }
    }

    private static void compareText(ParityContext context, NDManager m, SegEarthOutput out) {
        context.compare("inputs_embeds", out.inputsEmbeds(), ATOL, RTOL);
        context.compareExact("labels", out.labels());
        context.compareExact("image_positions", longs(m, out.imagePositions()));
        context.compareExact("seg_positions", longs(m, out.segPositions()));
        context.compare("logits", out.logits(), ATOL, RTOL);
        context.compare("last_hidden_state", out.lastHiddenState(), ATOL, RTOL);
        context.compare("attentions", NDArrays.stack(new NDList(out.attentions())), ATOL, RTOL);
        context.compare("seg_hidden", out.segHidden(), ATOL, RTOL);
        context.compare("queries", out.queries(), ATOL, RTOL);
    }

    private static void compareMasks(ParityContext context, NDManager m, SegEarthOutput out, String prefix) {
        context.compare(prefix + "mask_logits", out.maskLogits().expandDims(1), HEAD_ATOL, HEAD_RTOL);
        NDArray aux = NDArrays.stack(new NDList(out.auxMaskLogits()), 1).expandDims(2);
        context.compare(prefix + "aux_mask_logits", aux, HEAD_ATOL, HEAD_RTOL);
        NDArray expected = context.io().get(prefix + "masks");
        expected.attach(m);
        context.compareScalar(prefix + "masks: targets", out.masks().getShape().get(0), expected.getShape().get(0), 0, 0);
        context.compareScalar(prefix + "masks: pixels that differ where |logit| >= " + MASK_LOGIT_MARGIN,
                mismatchesAwayFromThreshold(out.masks(), expected, out.fullLogits()), 0, 0, 0);
    }

    /**
     * Pixels where {@code actual} and {@code expected} disagree although the logit is at least
     * {@link #MASK_LOGIT_MARGIN} away from 0; -1 when the shapes differ.
     */
    static long mismatchesAwayFromThreshold(NDArray actual, NDArray expected, NDArray logits) {
        if (!actual.getShape().equals(expected.getShape()) || !actual.getShape().equals(logits.getShape())) {
            return -1;
        }
        NDArray differ = actual.toType(DataType.UINT8, false).neq(expected.toType(DataType.UINT8, false));
        NDArray decided = logits.abs().gte(MASK_LOGIT_MARGIN);
        return differ.logicalAnd(decided).toType(DataType.INT64, false).sum().getLong();
    }

    private static long[] ids(Weights io, String name) {
        return io.get(name).toLongArray();
    }

    private static NDArray longs(NDManager m, int[] values) {
        return m.create(Arrays.stream(values).asLongStream().toArray());
    }

    private static RgbImage image(Weights io) {
        NDArray hwc = io.get("image_rgb_hwc");
        long[] shape = hwc.getShape().getShape();
        return RgbImage.of((int) shape[1], (int) shape[0], hwc.toByteArray());
    }
}
