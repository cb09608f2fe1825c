package org.segearth.encoders.siglip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import java.nio.file.Files;
import java.nio.file.Path;
import org.segearth.encoders.siglip.internal.OnnxVisionTower;
import org.segearth.encoders.siglip.internal.SiglipVisionOutput;
import org.segearth.encoders.siglip.internal.SiglipVisionTransformer;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SiglipVisionConfig;

/**
 * Parity of SigLIP's vision model (the {@code siglip_vision} dump): every hidden state, the
 * post-layernorm output and the pooled output of the Java tower; and, when the dump has
 * {@code vision_feature.onnx}, the ONNX Runtime tower's output against {@code hidden_states[-2]}
 * and against the Java tower.
 */
public final class SiglipVisionParityCheck implements ParityCheck {

    private static final double ATOL = 1e-4;
    private static final double RTOL = 1e-4;

    @Override
    public String component() {
        return "siglip_vision";
    }

    @Override
    public void run(ParityContext context) {
        Weights ckpt = context.checkpoint("");
        SiglipVisionConfig config = SiglipVisionConfig.from(context.config(""));
        boolean withHead = context.io().contains("pooler_output");
        SiglipVisionTransformer tower = new SiglipVisionTransformer(ckpt, config, -2, withHead);
        NDArray pixels = context.io().get("pixel_values");
        SiglipVisionOutput out = tower.forward(pixels);
        context.compare("hidden_states", NDArrays.stack(new NDList(out.hiddenStates())), ATOL, RTOL);
        context.compare("last_hidden_state", out.lastHiddenState(), ATOL, RTOL);
        if (withHead) {
            context.compare("pooler_output", out.poolerOutput(), ATOL, RTOL);
        }
        NDArray javaFeatures = tower.features(pixels);
        Path onnx = context.directory().resolve(SiglipVisionEncoders.DEFAULT_ONNX_FILE);
        if (Files.isRegularFile(onnx)) {
            try (OnnxVisionTower onnxTower = new OnnxVisionTower(onnx, 0)) {
                NDArray onnxFeatures = onnxTower.features(pixels);
                NDArray expected = context.io().get("hidden_states").get(config.numHiddenLayers() - 1);
                context.compareScalar("onnx hidden_states[-2] max_abs_diff (vs golden)",
                        maxAbsDiff(onnxFeatures, expected), 0, ATOL, 0);
                context.compareScalar("onnx vs java hidden_states[-2] max_abs_diff",
                        maxAbsDiff(onnxFeatures, javaFeatures), 0, ATOL, 0);
            }
        }
    }

    private static double maxAbsDiff(NDArray a, NDArray b) {
        if (!a.getShape().equals(b.getShape())) {
            return Double.POSITIVE_INFINITY;
        }
        return a.sub(b).abs().max().getFloat();
    }
}
