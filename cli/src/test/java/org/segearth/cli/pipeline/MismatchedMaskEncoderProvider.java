package org.segearth.cli.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.MaskEncoderProvider;

/** A test mask encoder whose features fit no head: it checks that assembly compares feature specs. */
public final class MismatchedMaskEncoderProvider implements MaskEncoderProvider {

    /** Its name. */
    public static final String NAME = "mismatched-encoder";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public MaskEncoder create(ComponentContext context) {
        return new MaskEncoder() {
            @Override
            public FeatureSpec outputSpec() {
                return new FeatureSpec(List.of(new FeatureSpec.Level(7, 4)));
            }

            @Override
            public List<NDArray> encode(NDArray pixelValues) {
                throw new UnsupportedOperationException("a test encoder");
            }

            @Override
            public void close() {
                // nothing held
            }
        };
    }
}
