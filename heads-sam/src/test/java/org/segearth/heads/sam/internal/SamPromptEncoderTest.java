package org.segearth.heads.sam.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.runtime.Engines;
import org.segearth.runtime.checkpoint.Checkpoint;
import org.segearth.runtime.parity.Goldens;
import org.segearth.spi.config.JsonConfig;
import org.segearth.spi.config.SamConfig;

class SamPromptEncoderTest {

    private static SamConfig config() {
        return SamConfig.from(JsonConfig.read(Goldens.dir("sam").resolve("config.json")));
    }

    @Test
    void pointsWithoutBoxesGetAPaddingPointAndBoxesAreTwoCorners() {
        SamConfig c = config();
        try (NDManager m = Engines.newManager(); Checkpoint ckpt = Checkpoint.open(Goldens.dir("sam"), m)) {
            SamPositionalEmbedding pe = new SamPositionalEmbedding(ckpt.prefix("shared_image_embedding"),
                    c.vision().numPosFeats());
            SamPromptEncoder enc = new SamPromptEncoder(ckpt.prefix("prompt_encoder"), c.promptEncoder(), pe);
            NDArray points = m.create(new float[] {10, 20, 30, 40}, new Shape(1, 1, 2, 2));
            NDArray labels = m.create(new long[] {1, 0}, new Shape(1, 1, 2));
            NDArray boxes = m.create(new float[] {4, 8, 40, 50}, new Shape(1, 1, 4));

            SamPromptEncoder.Embeddings onlyPoints = enc.forward(points, labels, null, null);
            assertArrayEquals(new long[] {1, 1, 3, 16}, onlyPoints.sparse().getShape().getShape());
            assertArrayEquals(ckpt.get("prompt_encoder.not_a_point_embed.weight").toFloatArray(),
                    onlyPoints.sparse().get(0, 0, 2).toFloatArray());
            assertArrayEquals(new long[] {1, 16, 8, 8}, onlyPoints.dense().getShape().getShape());
            assertArrayEquals(ckpt.get("prompt_encoder.no_mask_embed.weight").toFloatArray(),
                    onlyPoints.dense().get("0, :, 3, 5").toFloatArray());

            SamPromptEncoder.Embeddings both = enc.forward(points, labels, boxes, null);
            assertArrayEquals(new long[] {1, 1, 4, 16}, both.sparse().getShape().getShape());

            SamPromptEncoder.Embeddings onlyBox = enc.forward(null, null, boxes, null);
            float[] corner = onlyBox.sparse().get(0, 0, 0).toFloatArray();
            float[] expected = fourier(ckpt.get("shared_image_embedding.positional_embedding").toFloatArray(),
                    (4 + 0.5) / 64, (8 + 0.5) / 64);
            float[] embed2 = ckpt.get("prompt_encoder.point_embed.2.weight").toFloatArray();
            for (int i = 0; i < 16; i++) {
                assertEquals(expected[i] + embed2[i], corner[i], 1e-4f, "channel " + i);
            }
            float[] positive = onlyPoints.sparse().get(0, 0, 0).toFloatArray();
            float[] first = fourier(ckpt.get("shared_image_embedding.positional_embedding").toFloatArray(),
                    10.5 / 64, 20.5 / 64);
            float[] embed1 = ckpt.get("prompt_encoder.point_embed.1.weight").toFloatArray();
            for (int i = 0; i < 16; i++) {
                assertEquals(first[i] + embed1[i], positive[i], 1e-4f, "channel " + i);
            }
        }
    }

    /** The random-Fourier features computed in double precision: [sin(2 pi (2c-1) G), cos(...)]. */
    private static float[] fourier(float[] gaussian, double x, double y) {
        int feats = gaussian.length / 2;
        float[] out = new float[2 * feats];
        for (int f = 0; f < feats; f++) {
            double v = 2 * Math.PI * ((2 * x - 1) * gaussian[f] + (2 * y - 1) * gaussian[feats + f]);
            out[f] = (float) Math.sin(v);
            out[feats + f] = (float) Math.cos(v);
        }
        return out;
    }
}
