package org.segearth.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.segearth.runtime.data.Datasets;

/** Datasets without answer texts (RefSegRS here) train on one [SEG] per target. */
class TrainOnReferringDatasetTest {

    @TempDir
    Path tmp;

    private static void writeTif(BufferedImage image, Path file) throws IOException {
        assertTrue(ImageIO.write(image, "tif", file.toFile()), "a TIFF writer is available");
    }

    private Path refSegRs() throws IOException {
        Path root = tmp.resolve("refsegrs");
        Files.createDirectories(root.resolve("images"));
        Files.createDirectories(root.resolve("masks"));
        StringBuilder phrases = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            BufferedImage rgb = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
            BufferedImage mask = new BufferedImage(48, 40, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 48; x++) {
                    boolean inside = x >= 8 + 10 * i && x < 24 + 10 * i && y >= 10 && y < 26;
                    rgb.setRGB(x, y, inside ? 0xD02020 : 0x70A060);
                    mask.getRaster().setSample(x, y, 0, inside ? 255 : 0);
                }
            }
            writeTif(rgb, root.resolve("images/" + i + ".tif"));
            writeTif(mask, root.resolve("masks/" + i + ".tif"));
            phrases.append(i).append(" the red square\n");
        }
        Files.writeString(root.resolve("output_phrase_train.txt"), phrases);
        return root;
    }

    @Test
    void trainsWithoutAnswerTexts() throws IOException {
        Path base = TinyTrainingFixture.basePackage(tmp.resolve("base"));
        TrainingConfig config = TrainingConfig.builder().maxSteps(2).batchSize(1)
                .maskLoss(TrainingConfig.MaskLossMode.DENSE).seed(1).build();
        TrainingResult r = Trainer.builder().basePackage(base).data(Datasets.open("refsegrs", refSegRs(), "train"))
                .output(tmp.resolve("run")).config(config).build().run();
        assertEquals(2, r.endStep());
        assertTrue(r.stepLosses().stream().allMatch(l -> Double.isFinite(l.total()) && l.maskDice() > 0), r.stepLosses().toString());
    }
}
