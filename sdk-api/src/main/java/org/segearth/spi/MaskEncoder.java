package org.segearth.spi;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** The mask branch's image encoder (Swin-B for SegEarth-R2): multi-scale feature maps. */
public interface MaskEncoder extends AutoCloseable {

    /** Channels and strides of {@link #encode}'s outputs, finest first. */
    FeatureSpec outputSpec();

    /**
     * @param pixelValues {@code [batch, 3, H, W]}, normalised
     * @return NCHW feature maps, one per level of {@link #outputSpec()}, finest first
     */
    List<NDArray> encode(NDArray pixelValues);

    @Override
    void close();
}
