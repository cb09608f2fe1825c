package org.segearth.heads.mask2former;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.segearth.api.SegEarthException;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.Mask2FormerConfig;

/**
 * Parity with {@code Mask2FormerForUniversalSegmentation} + {@code SwinBackbone}: backbone maps,
 * pixel-decoder maps, mask features, and per query the final and auxiliary mask logits, each query
 * run alone and both in one batch. The Swin encoder is found on the class path ({@code swin}).
 */
public final class Mask2FormerParityCheck implements ParityCheck {

    private static final double ATOL = 2e-4;
    private static final double RTOL = 1e-4;
    private static final double RTOL_LOGITS = 1e-3;

    @Override
    public String component() {
        return "mask2former";
    }

    @Override
    public void run(ParityContext context) {
        Weights checkpoint = context.checkpoint("");
        JsonConfig json = context.config("");
        Mask2FormerConfig config = Mask2FormerConfig.from(json);
        ComponentContext component = new ComponentContext(context.directory(), json, checkpoint, Map.of());
        try (MaskEncoder encoder = swin().create(component);
                Mask2FormerHead head = new Mask2FormerHead(checkpoint, config)) {
            head.inputSpec().requireSatisfiedBy(encoder.outputSpec(), "swin", "mask2former");
            List<NDArray> features = encoder.encode(context.io().get("pixel_values"));
            for (int i = 0; i < features.size(); i++) {
                context.compare("backbone_features_" + i, features.get(i), ATOL, RTOL);
            }
            Mask2FormerHead.PixelFeatures pixels = head.decodePixels(features);
            for (int i = 0; i < pixels.multiScaleFeatures().size(); i++) {
                context.compare("pixel_decoder_features_" + i, pixels.multiScaleFeatures().get(i), ATOL, RTOL);
            }
            context.compare("mask_features", pixels.maskFeatures(), ATOL, RTOL);
            NDArray queries = context.io().get("queries");
            long targets = queries.getShape().get(0);
            for (long t = 0; t < targets; t++) {
                List<NDArray> alone = head.decodeQueries(pixels, queries.get(new NDIndex(t + ":" + (t + 1))));
                compareQuery(context, t, alone);
            }
            List<NDArray> batched = head.decodeQueries(pixels, queries);
            for (long t = 0; t < targets; t++) {
                List<NDArray> slice = new ArrayList<>();
                for (NDArray p : batched) {
                    slice.add(p.get(new NDIndex(t + ":" + (t + 1))));
                }
                compareQuery(context, t, slice);
            }
        }
    }

    private static void compareQuery(ParityContext context, long t, List<NDArray> predictions) {
        context.compare("q" + t + "_mask_logits", predictions.get(predictions.size() - 1), ATOL, RTOL_LOGITS);
        context.compare("q" + t + "_aux_mask_logits", Mask2FormerHead.stackAuxiliary(predictions), ATOL, RTOL_LOGITS);
    }

    private static MaskEncoderProvider swin() {
        List<String> found = new ArrayList<>();
        for (MaskEncoderProvider p : ServiceLoader.load(MaskEncoderProvider.class)) {
            if ("swin".equals(p.name())) {
                return p;
            }
            found.add(p.name());
        }
        throw new SegEarthException("the mask2former parity check needs the 'swin' mask encoder; found " + found
                + "; add org.segearth:segearth-encoders to the class path");
    }
}
