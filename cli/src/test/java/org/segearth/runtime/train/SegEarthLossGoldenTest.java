package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.image.RgbImage;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.pipeline.ImageEncoding;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.pipeline.ModelOptions;
import org.segearth.runtime.pipeline.ModelPackage;
import org.segearth.runtime.pipeline.PassOptions;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.pipeline.SegEarthOutput;
import org.segearth.runtime.pipeline.StageTimer;
import org.segearth.runtime.pipeline.TokenInput;

/**
 * The composite golden's training losses through the teacher-forced forward and the losses
 * package: ground truth in the frame and on the grid exactly, every loss term within 1e-4
 * relative, with the captured [SEG] -> image slices (training) and with whole attention maps.
 */
class SegEarthLossGoldenTest {

    @Test
    void reproducesTheTinyModelsLosses() {
        Path dir = Goldens.dir("segearth_r2_tiny");
        try (NDManager io = org.segearth.runtime.Engines.newManager(); Checkpoint golden = Checkpoint.open(dir.resolve("io.safetensors"), io)) {
            int frameSize = (int) golden.shapeOf("swin_pixel_values")[2];
            ModelPackage pkg = ModelPackage.open(dir, Manifest.defaults().withMaskImageSize(frameSize));
            try (SegEarthModel model = SegEarthModel.load(pkg, ModelOptions.defaults());
                    NDManager m = model.manager().newSubManager()) {
                TokenInput tokens = TokenInput.of(golden.get("prefix_ids").toLongArray(),
                        golden.get("instruction_ids").toLongArray(), golden.get("answer_ids").toLongArray());
                NDArray hwc = golden.get("image_rgb_hwc");
                long[] s = hwc.getShape().getShape();
                RgbImage rgb = RgbImage.of((int) s[1], (int) s[0], hwc.toByteArray());
                ImageEncoding image = model.encodeImage(m, rgb, false, StageTimer.NONE);
                NDArray gt = golden.get("gt_masks");
                NDArray frame = GroundTruth.frame(gt, image.frameSize());
                assertArrayEquals(golden.get("gt_masks_frame").toFloatArray(), frame.toFloatArray(), "gt_masks_frame");
                NDArray grid = GroundTruth.grid(gt, 4);
                assertArrayEquals(golden.get("gt_grid").toFloatArray(), grid.toFloatArray(), "gt_grid");
                SegEarthLosses losses = new SegEarthLosses(TrainingConfig.MaskLossMode.DENSE, 0.01f);
                for (PassOptions options : new PassOptions[] {PassOptions.TRAINING,
                    new PassOptions(true, PassOptions.Attentions.ALL)}) {
                    SegEarthOutput out = model.forward(m, image, tokens, options, StageTimer.NONE);
                    LossValues v = losses.compute(out, frame, grid, null).values();
                    System.out.println(options.attentions() + ": " + v);
                    check(golden, "loss_text_ce", v.textCe());
                    check(golden, "loss_mask_bce_x5", v.maskBce());
                    check(golden, "loss_mask_dice_x5", v.maskDice());
                    check(golden, "loss_attention", v.attention());
                    check(golden, "loss_total", v.total());
                }
            }
        }
    }

    private static void check(Checkpoint golden, String name, double actual) {
        double expected = golden.get(name).getFloat();
        System.out.printf("  %s expected %.7g actual %.7g rel %.2e%n", name, expected, actual,
                Math.abs(actual - expected) / Math.abs(expected));
        assertEquals(expected, actual, 1e-4 * Math.abs(expected), name);
    }
}
