package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.config.SamConfig;

/** The SAM image encoder in Java as a {@link MaskEncoder}: one level, the image embeddings. */
public final class SamImageEncoder implements MaskEncoder {

    private final SamVisionEncoder encoder;
    private final FeatureSpec spec;

    public SamImageEncoder(SamVisionEncoder encoder) {
        this.encoder = encoder;
        this.spec = specOf(encoder.config());
    }

    /** The single level a SAM image encoder produces: {@code output_channels} at stride {@code patch_size}. */
    public static FeatureSpec specOf(SamConfig.Vision c) {
        return new FeatureSpec(List.of(new FeatureSpec.Level(c.outputChannels(), c.patchSize())));
    }

    @Override
    public FeatureSpec outputSpec() {
        return spec;
    }

    @Override
    public List<NDArray> encode(NDArray pixelValues) {
        NDManager caller = pixelValues.getManager();
        try (NDManager scope = caller.newSubManager()) {
            pixelValues.tempAttach(scope);
            NDArray out = encoder.forward(pixelValues);
            out.attach(caller);
            return List.of(out);
        }
    }

    @Override
    public void close() {
        // the weights belong to the checkpoint's manager
    }
}
