package org.segearth.heads.sam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.segearth.heads.sam.internal.OnnxSamImageEncoder;
import org.segearth.heads.sam.internal.SamImageEncoder;
import org.segearth.heads.sam.internal.SamLayout;
import org.segearth.heads.sam.internal.SamMaskDecoder;
import org.segearth.heads.sam.internal.SamModel;
import org.segearth.heads.sam.internal.SamVisionEncoder;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;
import org.segearth.spi.Weights;
import org.segearth.spi.config.SamConfig;

/**
 * Reproduces the {@code sam} reference dump: the image-wide positional embeddings, then for each
 * image-encoder engine (Java, and ONNX Runtime when {@code vision_encoder.onnx} is there) the image
 * embeddings, the point-prompt masks and IoU scores (multimask) and the [SEG]-prompt masks and IoU
 * scores (single mask); finally the ONNX embeddings against the Java ones (within 1e-4).
 */
public final class SamParityCheck implements ParityCheck {

    /** The dump's tolerance ("max abs diff 2e-4"). */
    static final double ATOL = 2e-4;
    /** The default relative tolerance. */
    static final double RTOL = 1e-4;
    /** How close the ONNX and Java encoders must be. */
    static final double ENGINE_ATOL = 1e-4;

    @Override
    public String component() {
        return "sam";
    }

    @Override
    public void run(ParityContext context) {
        Weights root = SamLayout.root(context.checkpoint(""));
        SamConfig config = SamConfig.from(context.config(""));
        Weights io = context.io();
        SamModel model = new SamModel(root, config);
        context.compare("image_positional_embeddings", model.imagePositionalEmbeddings(context.manager()), ATOL, RTOL);

        NDArray pixelValues = io.get("pixel_values");
        MaskEncoder java = new SamImageEncoder(new SamVisionEncoder(root.prefix("vision_encoder"), config.vision()));
        NDArray javaEmbeddings = java.encode(pixelValues).get(0);
        checkPrompts(context, model, javaEmbeddings);

        Path onnx = context.directory().resolve(SamMaskEncoderProvider.ONNX_FILE);
        if (Files.isRegularFile(onnx)) {
            try (MaskEncoder ort = OnnxSamImageEncoder.load(onnx, config.vision())) {
                NDArray ortEmbeddings = ort.encode(pixelValues).get(0);
                checkPrompts(context, model, ortEmbeddings);
                double diff = ortEmbeddings.sub(javaEmbeddings).abs().max().getFloat();
                context.compareScalar("image_embeddings[onnx vs java]", diff, 0, ENGINE_ATOL, 0);
            }
        }
    }

    private static void checkPrompts(ParityContext context, SamModel model, NDArray imageEmbeddings) {
        Weights io = context.io();
        context.compare("image_embeddings", imageEmbeddings, ATOL, RTOL);

        NDArray points = io.get("input_points");
        NDArray labels = io.get("input_labels").toType(DataType.INT64, false);
        SamMaskDecoder.Output point = model.predict(imageEmbeddings, points, labels, null, null, true);
        context.compare("point_pred_masks", point.masks(), ATOL, RTOL);
        context.compare("point_iou_scores", point.iouScores(), ATOL, RTOL);

        SamMaskDecoder.Output seg = model.predictSparse(imageEmbeddings, io.get("seg_sparse_embedding"), false);
        context.compare("seg_low_res_masks", seg.masks(), ATOL, RTOL);
        context.compare("seg_iou_scores", seg.iouScores(), ATOL, RTOL);
    }

    static List<String> expected() {
        return List.of("image_positional_embeddings", "image_embeddings", "point_pred_masks", "point_iou_scores",
                "seg_low_res_masks", "seg_iou_scores");
    }
}
