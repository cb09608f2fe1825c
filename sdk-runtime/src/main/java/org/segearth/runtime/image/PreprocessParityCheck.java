package org.segearth.runtime.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Map;
import java.util.TreeMap;
import org.segearth.api.SegEarthException;
import org.segearth.spi.ParityCheck;
import org.segearth.spi.ParityContext;

/**
 * Parity of the preprocessing with Pillow (the {@code preprocess} dump): every {@code siglip_N}
 * and {@code letterbox_N} tensor of the dump, N read from the name, from {@code image_rgb_hwc}.
 */
public final class PreprocessParityCheck implements ParityCheck {

    private static final double ATOL = 1e-5;
    private static final double RTOL = 1e-4;

    @Override
    public String component() {
        return "preprocess";
    }

    @Override
    public void run(ParityContext context) {
        RgbImage image = inputImage(context.io().get("image_rgb_hwc"));
        NDManager manager = context.manager();
        Map<Integer, String> siglip = new TreeMap<>();
        Map<Integer, String> letterbox = new TreeMap<>();
        for (String key : context.io().keys()) {
            if (key.matches("siglip_\\d+")) {
                siglip.put(Integer.parseInt(key.substring("siglip_".length())), key);
            } else if (key.matches("letterbox_\\d+")) {
                letterbox.put(Integer.parseInt(key.substring("letterbox_".length())), key);
            }
        }
        siglip.forEach((size, key) ->
                context.compare(key, SiglipPreprocessor.preprocess(image, size).toNDArray(manager), ATOL, RTOL));
        letterbox.forEach((size, key) -> {
            PixelTensor t = Letterbox.apply(image, size);
            context.compare(key, t.toNDArray(manager), ATOL, RTOL);
            if (context.io().contains(key + "_valid_hw")) {
                context.compareExact(key + "_valid_hw", t.validHw(manager));
            }
        });
    }

    /** An {@code [H, W, 3]} array of 0..255 values as an image. */
    static RgbImage inputImage(NDArray hwc) {
        long[] shape = hwc.getShape().getShape();
        if (shape.length != 3 || shape[2] != 3) {
            throw new SegEarthException("image_rgb_hwc has shape " + hwc.getShape() + "; expected [H, W, 3]");
        }
        float[] values = hwc.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        byte[] rgb = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            rgb[i] = (byte) Math.round(values[i]);
        }
        return RgbImage.wrap((int) shape[1], (int) shape[0], rgb);
    }
}
