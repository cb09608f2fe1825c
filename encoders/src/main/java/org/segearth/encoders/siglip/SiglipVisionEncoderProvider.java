package org.segearth.encoders.siglip;

import org.segearth.spi.ComponentContext;
import org.segearth.spi.VisionEncoder;
import org.segearth.spi.VisionEncoderProvider;

/**
 * The {@code siglip} vision encoder: SigLIP in Java on DJL NDArrays plus Mipha's projector; the
 * option {@code engine=onnx} runs the tower from an ONNX file instead (see
 * {@link SiglipVisionEncoders}).
 */
public final class SiglipVisionEncoderProvider implements VisionEncoderProvider {

    @Override
    public String name() {
        return "siglip";
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public VisionEncoder create(ComponentContext context) {
        return SiglipVisionEncoders.create(context);
    }
}
