package org.segearth.runtime.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;
import org.segearth.api.Mask;
import org.segearth.api.SegEarthException;
import org.segearth.api.Segmenter;
import org.segearth.runtime.image.ImageDecoder;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.pipeline.DefaultSegmenter;
import org.segearth.runtime.pipeline.Generated;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.runtime.pipeline.TokenInput;
import org.segearth.runtime.text.GenerationConfig;
import org.segearth.spi.nn.Interpolation;

/**
 * The model as the official {@code segearth_r2/eval/eval.py} runs it (see
 * {@link EvalProtocol#OFFICIAL}): the {@code llava_phi} prompt with the evaluation's instruction
 * prefix whatever template the package names, the official sampling (seeded), and besides the
 * masks at the original size the masks in the padded frame that the official IoU is computed on
 * ({@code SegEarthR2.inference}: logits bilinear to the 1024x1024 frame, {@code > 0}, no crop).
 *
 * <pre>{@code
 * try (Segmenter seg = Segmenter.builder().model(Path.of("r2")).build()) {
 *     EvaluationReport r = Evaluator.builder().protocol(EvalProtocol.OFFICIAL)
 *             .function(OfficialProtocol.function(seg, 42)).build().run(dataset);
 * }
 * }</pre>
 */
public final class OfficialProtocol {

    private OfficialProtocol() {}

    /** {@code segmenter} (the SDK's own) run as the official evaluation runs it, sampling with {@code seed}. */
    public static SegmentationFunction function(Segmenter segmenter, long seed) {
        return function(segmenter, EvalProtocol.officialGeneration(seed));
    }

    /** {@code segmenter} with the official prompt and frame, decoding with {@code generation}. */
    public static SegmentationFunction function(Segmenter segmenter, GenerationConfig generation) {
        if (!(segmenter instanceof DefaultSegmenter d)) {
            throw new SegEarthException("the official evaluation protocol needs the SDK's own segmenter (it scores"
                    + " masks in the padded frame); found " + segmenter.getClass().getName());
        }
        SegEarthModel model = d.model();
        return (image, instruction, answer) -> run(model, generation, ImageDecoder.fromBufferedImage(image),
                instruction, answer);
    }

    private static SegmentationFunction.Output run(SegEarthModel model, GenerationConfig generation, RgbImage image,
            String instruction, String answer) {
        StageTimer timer = new StageTimer();
        try (NDManager call = model.manager().newSubManager()) {
            ImageEncoding encoding = model.encodeImage(call, image, false, timer);
            String text;
            SegEarthOutput out;
            if (answer == null) {
                // the [SEG] states come from the generation pass, as in the official model
                Generated g = model.generate(call, encoding, instruction, generation, PassOptions.Attentions.NONE,
                        timer, EvalProtocol.OFFICIAL_TEMPLATE);
                text = model.requireTokenizer().decode(g.answerIds()).strip();
                out = model.segment(call, encoding, g, timer);
            } else {
                TokenInput tokens = model.tokens(instruction, answer, EvalProtocol.OFFICIAL_TEMPLATE);
                text = answer;
                out = model.forward(call, encoding, tokens, PassOptions.INFERENCE, timer);
            }
            int frame = encoding.frameSize();
            int n = out.numTargets();
            List<Mask> masks = new ArrayList<>(n);
            List<Mask> frameMasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                try (NDManager scope = call.newSubManager()) {
                    NDArray original = out.masks().get(i);
                    original.attach(scope);
                    masks.add(Mask.fromBytes(original.toType(DataType.UINT8, false).toByteArray(), image.width(),
                            image.height()));
                    NDArray logits = out.maskLogits().get(i);
                    logits.attach(scope);
                    NDArray inFrame = Interpolation.bilinear(logits, frame, frame).gt(0);
                    frameMasks.add(Mask.fromBytes(inFrame.toType(DataType.UINT8, false).toByteArray(), frame, frame));
                }
            }
            return new SegmentationFunction.Output(text, masks, frameMasks, frame);
        }
    }
}
