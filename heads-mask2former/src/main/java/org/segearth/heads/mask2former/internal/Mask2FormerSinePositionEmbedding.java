package org.segearth.heads.mask2former.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.segearth.spi.nn.Scalars;

/**
 * HF {@code Mask2FormerSinePositionEmbedding} with {@code normalize=True}, no padding mask:
 * channels [0, F) encode y, [F, 2F) encode x, each as interleaved (sin, cos) pairs of
 * {@code 2 pi * (i + 1) / (n + 1e-6) / 10000^(2 floor(k / 2) / F)}. Computed in float32 steps as
 * PyTorch does.
 */
public final class Mask2FormerSinePositionEmbedding {

    private static final float SCALE = (float) (2 * Math.PI);
    private static final float TEMPERATURE = 10000f;

    private final int numPosFeats;

    /** @param numPosFeats F, half the embedding width */
    public Mask2FormerSinePositionEmbedding(int numPosFeats) {
        this.numPosFeats = numPosFeats;
    }

    /** @return {@code [1, 2F, height, width]} */
    public NDArray forward(NDManager manager, int height, int width) {
        int f = numPosFeats;
        float[] dimT = new float[f];
        for (int k = 0; k < f; k++) {
            dimT[k] = (float) Math.pow(TEMPERATURE, (float) (2 * (k / 2)) / f);
        }
        float[] out = new float[2 * f * height * width];
        for (int y = 0; y < height; y++) {
            float ye = (y + 1f) / (height + 1e-6f) * SCALE;
            for (int x = 0; x < width; x++) {
                float xe = (x + 1f) / (width + 1e-6f) * SCALE;
                for (int k = 0; k < f; k++) {
                    float py = ye / dimT[k];
                    float px = xe / dimT[k];
                    out[(k * height + y) * width + x] = (float) (k % 2 == 0 ? Math.sin(py) : Math.cos(py));
                    out[((f + k) * height + y) * width + x] = (float) (k % 2 == 0 ? Math.sin(px) : Math.cos(px));
                }
            }
        }
        return Scalars.nativeCopy(manager.create(out, new Shape(1, 2L * f, height, width)));
    }
}
