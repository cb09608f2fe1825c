package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The mask branch's image encoder (Swin-B for SegEarth-R2): multi-scale feature maps.
 *
 * <pre>{@code
 * try (MaskEncoder encoder = new ProviderRegistry().find(MaskEncoderProvider.class, "swin").create(context)) {
 *     List<NDArray> features = encoder.encode(pixels); // [1, C_i, H / s_i, W / s_i], finest first
 *     FeatureSpec.Level finest = encoder.outputSpec().levels().get(0);
 * }
 * }</pre>
 */
public interface MaskEncoder extends AutoCloseable {

    /** Channels and strides of {@link #encode}'s outputs, finest first. */
    FeatureSpec outputSpec();

    /**
     * @param pixelValues {@code [batch, 3, H, W]}, normalised
     * @return NCHW feature maps, one per level of {@link #outputSpec()}, finest first
     */
    List<NDArray> encode(NDArray pixelValues);

    /**
     * The weights under their checkpoint keys, live: the arrays the forward computes with (no
     * copies or views made at load time), so that gradients attached to them train the component
     * and values written into them in place take effect. Empty when the component does not
     * support training (the default).
     */
    default java.util.Map<String, NDArray> parameters() {
        return java.util.Map.of();
    }

    @Override
    void close();
}
