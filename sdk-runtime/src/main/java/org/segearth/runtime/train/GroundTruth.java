package org.segearth.runtime.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.segearth.api.Mask;
import org.segearth.runtime.image.Letterbox;
import org.segearth.runtime.train.loss.SpatialAttentionLoss;

/**
 * A sample's ground-truth masks in the two forms the losses need: in the letterbox frame of the
 * mask branch (nearest resize of the original mask to the scaled image size, zero in the padding)
 * for the mask losses, and on the image-token grid for the attention loss.
 *
 * <pre>{@code
 * NDArray frame = GroundTruth.frame(manager, sample.targets(), 1024);   // [S, 1024, 1024]
 * NDArray grid = GroundTruth.grid(manager, sample.targets(), 27);       // [S, 729]
 * }</pre>
 */
public final class GroundTruth {

    private GroundTruth() {
    }

    /** The original masks as {@code [S, H, W]} float 0/1. */
    public static NDArray original(NDManager manager, List<Mask> masks, int width, int height) {
        float[] out = new float[masks.size() * width * height];
        for (int k = 0; k < masks.size(); k++) {
            boolean[] px = masks.get(k).toBooleans();
            for (int i = 0; i < px.length; i++) {
                out[k * px.length + i] = px[i] ? 1f : 0f;
            }
        }
        return manager.create(out, new Shape(masks.size(), height, width));
    }

    /**
     * {@code masks} ({@code [S, H, W]}, 0/1) nearest-resized like torch's {@code interpolate(mode="nearest")}
     * to the letterboxed size inside a {@code frame x frame} canvas of zeros.
     */
    public static NDArray frame(NDArray masks, int frame) {
        Shape s = masks.getShape();
        int n = (int) s.get(0);
        int h = (int) s.get(1);
        int w = (int) s.get(2);
        int[] hw = Letterbox.scaledSize(h, w, frame);
        int[] rows = nearestIndex(h, hw[0]);
        int[] cols = nearestIndex(w, hw[1]);
        float[] src = masks.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[n * frame * frame];
        for (int k = 0; k < n; k++) {
            for (int y = 0; y < hw[0]; y++) {
                int from = (k * h + rows[y]) * w;
                int to = (k * frame + y) * frame;
                for (int x = 0; x < hw[1]; x++) {
                    out[to + x] = src[from + cols[x]];
                }
            }
        }
        return masks.getManager().create(out, new Shape(n, frame, frame));
    }

    /** {@code masks} ({@code [S, H, W]}) on a {@code side x side} grid, as the attention loss wants it. */
    public static NDArray grid(NDArray masks, int side) {
        return SpatialAttentionLoss.gridMasks(masks, side, side);
    }

    /** torch's nearest source index: {@code min(floor(dst * (in / out)), in - 1)} with a float scale. */
    static int[] nearestIndex(int in, int out) {
        int[] index = new int[out];
        float scale = (float) in / out;
        for (int d = 0; d < out; d++) {
            index[d] = Math.min((int) Math.floor(d * scale), in - 1);
        }
        return index;
    }
}
