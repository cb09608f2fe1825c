package org.segearth.encoders.siglip;

import ai.djl.ndarray.NDArray;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.segearth.spi.RecordingWeights;
import org.segearth.api.SegEarthException;
import org.segearth.encoders.siglip.internal.MiphaProjector;
import org.segearth.encoders.siglip.internal.OnnxVisionTower;
import org.segearth.encoders.siglip.internal.ProjectedVisionEncoder;
import org.segearth.encoders.siglip.internal.SiglipCheckpointLayout;
import org.segearth.encoders.siglip.internal.SiglipSettings;
import org.segearth.encoders.siglip.internal.SiglipVisionTransformer;
import org.segearth.encoders.siglip.internal.VisionTower;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.Weights;

/**
 * Builds SigLIP vision encoders (tower + Mipha projector) from a {@link ComponentContext}.
 *
 * <p>Options: {@code engine} = {@code java} (default) or {@code onnx}; {@code onnx} = path of the
 * ONNX file (relative paths against the component folder; default {@code vision_feature.onnx});
 * {@code threads} = ONNX Runtime intra-op threads.
 *
 * <pre>{@code
 * ComponentContext ctx = new ComponentContext(dir, config, checkpoint, Map.of("engine", "onnx"));
 * try (VisionEncoder enc = SiglipVisionEncoders.create(ctx)) {
 *     NDArray tokens = enc.encode(pixelValues); // [1, 729, 2560]
 * }
 * }</pre>
 */
public final class SiglipVisionEncoders {

    /** The default ONNX file name in a component folder. */
    public static final String DEFAULT_ONNX_FILE = "vision_feature.onnx";

    private SiglipVisionEncoders() {}

    /** An encoder on the engine the {@code engine} option names (default {@code java}). */
    public static VisionEncoder create(ComponentContext context) {
        String engine = context.option("engine").orElse("java");
        return switch (engine) {
            case "java" -> create(context, false);
            case "onnx" -> create(context, true);
            default -> throw new SegEarthException("SigLIP engine '" + engine + "' is unknown; use engine=java or engine=onnx");
        };
    }

    /** An encoder whose tower runs in Java or, with {@code onnx}, on ONNX Runtime. */
    public static VisionEncoder create(ComponentContext context, boolean onnx) {
        SiglipSettings s = SiglipSettings.from(context.config());
        Map<String, NDArray> parameters = new LinkedHashMap<>();
        Weights weights = RecordingWeights.wrap(context.weights(), parameters);
        MiphaProjector projector = projector(weights, s);
        VisionTower tower = onnx
                ? new OnnxVisionTower(onnxFile(context), threads(context))
                : new SiglipVisionTransformer(weights, s.vision(), s.selectLayer(), false);
        return new ProjectedVisionEncoder(tower, projector, s.vision().imageSize(), s.numTokens(), parameters);
    }

    private static MiphaProjector projector(Weights weights, SiglipSettings s) {
        if (s.projectorType() == null) {
            return null;
        }
        Weights w = SiglipCheckpointLayout.projector(weights).orElseThrow(() -> new SegEarthException(
                "config.json declares mm_projector_type '" + s.projectorType() + "' but the checkpoint has no"
                        + " model.mm_projector.* weights; use a Mipha checkpoint"));
        return new MiphaProjector(w, s.projectorType(), s.vision().hiddenSize(), s.llmHidden());
    }

    private static Path onnxFile(ComponentContext context) {
        Path file = Path.of(context.option("onnx").orElse(DEFAULT_ONNX_FILE));
        return file.isAbsolute() ? file : context.directory().resolve(file);
    }

    private static int threads(ComponentContext context) {
        String value = context.option("threads").orElse("0");
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new SegEarthException("option threads=" + value + " is not a whole number; use e.g. threads=2", e);
        }
    }
}
