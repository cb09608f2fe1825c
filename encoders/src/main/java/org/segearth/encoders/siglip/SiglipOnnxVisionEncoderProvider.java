package org.segearth.encoders.siglip;

import org.segearth.spi.ComponentContext;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.VisionEncoderProvider;

/**
 * The {@code siglip-onnx} vision encoder: the SigLIP tower from an ONNX file on ONNX Runtime
 * (option {@code onnx}, default {@code vision_feature.onnx}; option {@code threads}) plus Mipha's
 * projector in Java.
 */
public final class SiglipOnnxVisionEncoderProvider implements VisionEncoderProvider {

    @Override
    public String name() {
        return "siglip-onnx";
    }

    @Override
    public VisionEncoder create(ComponentContext context) {
        return SiglipVisionEncoders.create(context, true);
    }
}
