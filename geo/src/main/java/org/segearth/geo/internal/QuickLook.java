package org.segearth.geo.internal;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.segearth.api.Mask;
import org.segearth.api.Target;
import org.segearth.runtime.render.Overlay;

/**
 * A downscaled picture of the scene (at most {@value #MAX_SIDE} pixels a side, nearest
 * neighbour) with each target's mask drawn over it, filled as tiles are read and rows finished.
 */
public final class QuickLook {

    static final int MAX_SIDE = 1024;

    private final int step;
    private final int width;
    private final int height;
    private final byte[] rgb;

    public QuickLook(int sceneWidth, int sceneHeight) {
        this.step = Math.max(1, (int) Math.ceil(Math.max(sceneWidth, sceneHeight) / (double) MAX_SIDE));
        this.width = (sceneWidth + step - 1) / step;
        this.height = (sceneHeight + step - 1) / step;
        this.rgb = new byte[width * height * 3];
    }

    /** A mask on the quick-look grid. */
    public byte[] newMask() {
        return new byte[width * height];
    }

    /** Copies the picture's pixels that fall in a window of {@code w x h} interleaved RGB at (x0, y0). */
    public void addPixels(int x0, int y0, int w, int h, byte[] windowRgb) {
        for (int qy = (y0 + step - 1) / step; qy * step < y0 + h && qy < height; qy++) {
            for (int qx = (x0 + step - 1) / step; qx * step < x0 + w && qx < width; qx++) {
                int src = ((qy * step - y0) * w + (qx * step - x0)) * 3;
                System.arraycopy(windowRgb, src, rgb, (qy * width + qx) * 3, 3);
            }
        }
    }

    /** Marks scene row {@code y} of a mask ({@code data} at {@code offset}, scene width long). */
    public void addMaskRow(byte[] mask, int y, byte[] data, int offset) {
        if (y % step != 0) {
            return;
        }
        int qy = y / step;
        for (int qx = 0; qx < width; qx++) {
            mask[qy * width + qx] = data[offset + qx * step];
        }
    }

    /** The picture with the masks drawn over it (colours and outlines as the plain-image overlay's). */
    public BufferedImage render(List<String> phrases, List<Double> scores, List<byte[]> masks) {
        BufferedImage picture = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((java.awt.image.DataBufferByte) picture.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < width * height; i++) {
            bgr[i * 3] = rgb[i * 3 + 2];
            bgr[i * 3 + 1] = rgb[i * 3 + 1];
            bgr[i * 3 + 2] = rgb[i * 3];
        }
        List<Target> targets = new ArrayList<>();
        for (int i = 0; i < masks.size(); i++) {
            targets.add(new Target(i, phrases.get(i), Mask.fromBytes(masks.get(i), width, height), scores.get(i),
                    Optional.empty()));
        }
        return Overlay.render(picture, targets);
    }
}
