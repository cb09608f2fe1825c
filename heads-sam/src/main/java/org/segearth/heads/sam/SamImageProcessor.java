package org.segearth.heads.sam;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;
import org.segearth.spi.image.PillowResample;
import org.segearth.spi.nn.Interpolation;

/**
 * SAM's own image processing ({@code SamImageProcessor} of Hugging Face, {@code ResizeLongestSide}
 * of the original): the longest side resized to the encoder size (Pillow bilinear), values scaled
 * to 0..1 and normalised with SAM's (ImageNet) mean/std, zero padding at the bottom/right to a
 * square; and back: low-resolution mask logits upsampled to the padded square, cropped to the
 * resized image and resized to the original size (bilinear, as {@code post_process_masks}).
 *
 * <pre>{@code
 * SamImageProcessor processor = new SamImageProcessor(1024);
 * SamImageProcessor.Preprocessed p = processor.preprocess(rgbHwc);      // [H, W, 3] 0..255
 * List<NDArray> features = samEncoder.encode(p.pixelValues());
 * NDArray logits = processor.postprocessMasks(head.predict(features, queries).maskLogits(), p);
 * }</pre>
 */
public final class SamImageProcessor {

    /** SAM's pixel mean on 0..1 (ImageNet's). */
    public static final double[] MEAN = {0.485, 0.456, 0.406};
    /** SAM's pixel standard deviation on 0..1 (ImageNet's). */
    public static final double[] STD = {0.229, 0.224, 0.225};

    private final int longestEdge;

    /**
     * An image ready for the encoder and the sizes needed to map masks back.
     *
     * @param pixelValues {@code [1, 3, S, S]} float32
     * @param originalHeight height of the input image
     * @param originalWidth width of the input image
     * @param resizedHeight height of the image inside the padded square
     * @param resizedWidth width of the image inside the padded square
     */
    public record Preprocessed(NDArray pixelValues, int originalHeight, int originalWidth, int resizedHeight,
            int resizedWidth) {}

    /** @param longestEdge the encoder's input side ({@code vision_config.image_size}, 1024 for SAM) */
    public SamImageProcessor(int longestEdge) {
        if (longestEdge <= 0) {
            throw new SegEarthException("SAM input size must be positive, got " + longestEdge);
        }
        this.longestEdge = longestEdge;
    }

    /** The resized {@code (height, width)} of an image: longest side = {@code longestEdge}, rounded half up. */
    public static int[] resizedSize(int height, int width, int longestEdge) {
        double scale = (double) longestEdge / Math.max(height, width);
        return new int[] {(int) (height * scale + 0.5), (int) (width * scale + 0.5)};
    }

    /** Preprocesses {@code image} {@code [H, W, 3]} (uint8, or float 0..255) into its manager. */
    public Preprocessed preprocess(NDArray image) {
        long[] s = image.getShape().getShape();
        if (s.length != 3 || s[2] != 3) {
            throw new SegEarthException("SAM expects an RGB image [height, width, 3], got " + image.getShape());
        }
        int[] rgb;
        if (image.getDataType() == DataType.UINT8) {
            rgb = image.toType(DataType.INT32, false).toIntArray();
        } else {
            float[] f = image.toType(DataType.FLOAT32, false).toFloatArray();
            rgb = new int[f.length];
            for (int i = 0; i < f.length; i++) {
                rgb[i] = Math.max(0, Math.min(255, Math.round(f[i])));
            }
        }
        return preprocess(rgb, (int) s[1], (int) s[0], image.getManager());
    }

    /** Preprocesses interleaved RGB values 0..255 ({@code height * width * 3}, row-major). */
    public Preprocessed preprocess(int[] rgb, int width, int height, NDManager manager) {
        if (rgb.length != width * height * 3) {
            throw new SegEarthException("RGB buffer has " + rgb.length + " values; expected " + width + " x " + height
                    + " x 3");
        }
        int[] size = resizedSize(height, width, longestEdge);
        int rh = size[0];
        int rw = size[1];
        byte[] pixels8 = new byte[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            pixels8[i] = (byte) rgb[i];
        }
        byte[] resized = PillowResample.resize(pixels8, width, height, 3, rw, rh, PillowResample.Filter.BILINEAR);
        float[] chw = new float[3 * longestEdge * longestEdge];
        for (int y = 0; y < rh; y++) {
            for (int x = 0; x < rw; x++) {
                for (int c = 0; c < 3; c++) {
                    double v = (resized[(y * rw + x) * 3 + c] & 0xFF) * (1.0 / 255.0);
                    chw[(c * longestEdge + y) * longestEdge + x] = (float) ((v - MEAN[c]) / STD[c]);
                }
            }
        }
        NDArray pixels = manager.create(chw, new Shape(1, 3, longestEdge, longestEdge));
        return new Preprocessed(pixels, height, width, rh, rw);
    }

    /**
     * Maps low-resolution mask logits {@code [..., h, w]} back to the original image:
     * {@code [..., originalHeight, originalWidth]} logits (threshold at 0 for a binary mask).
     * The result lives in {@code masks}' manager.
     */
    public NDArray postprocessMasks(NDArray masks, Preprocessed p) {
        long[] s = masks.getShape().getShape();
        if (s.length < 2) {
            throw new SegEarthException("masks must be [..., height, width], got " + masks.getShape());
        }
        NDManager caller = masks.getManager();
        try (NDManager scope = caller.newSubManager()) {
            masks.tempAttach(scope);
            NDArray x = masks.reshape(-1, 1, s[s.length - 2], s[s.length - 1]);
            x = Interpolation.bilinear(x, longestEdge, longestEdge);
            x = x.get(new NDIndex(":, :, :{}, :{}", p.resizedHeight(), p.resizedWidth()));
            x = Interpolation.bilinear(x, p.originalHeight(), p.originalWidth());
            long[] outShape = s.clone();
            outShape[s.length - 2] = p.originalHeight();
            outShape[s.length - 1] = p.originalWidth();
            NDArray out = x.reshape(new Shape(outShape));
            out.attach(caller);
            return out;
        }
    }
}
