package org.segearth.heads.sam.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.spi.FeatureSpec;
import org.segearth.spi.SegmentationHead;

/**
 * SAM as a segmentation head: every query (a projected [SEG] vector) is SAM's single sparse prompt
 * embedding, with the no-mask dense embedding, all queries batched over one image's embeddings;
 * single-mask output; the score per mask is SAM's IoU prediction.
 */
public final class SamSegmentationHead implements SegmentationHead {

    private final SamModel model;
    private final FeatureSpec spec;

    public SamSegmentationHead(SamModel model) {
        this.model = model;
        this.spec = SamImageEncoder.specOf(model.config().vision());
    }

    @Override
    public FeatureSpec inputSpec() {
        return spec;
    }

    @Override
    public int queryDim() {
        return model.hiddenSize();
    }

    @Override
    public HeadOutput predict(List<NDArray> features, NDArray queries) {
        if (features.size() != 1) {
            throw new SegEarthException("the SAM head takes one feature map (the image embeddings), got "
                    + features.size() + "; use the 'sam' mask encoder");
        }
        NDArray image = features.get(0);
        long[] q = queries.getShape().getShape();
        if (q.length != 2 || q[1] != queryDim()) {
            throw new SegEarthException("SAM head queries have shape " + queries.getShape() + "; expected [targets, "
                    + queryDim() + "] (the SEG projector's width must be SAM's prompt width)");
        }
        if (image.getShape().get(0) != 1) {
            throw new SegEarthException("the SAM head predicts for one image at a time, got image embeddings "
                    + image.getShape());
        }
        int maskSide = 4 * (int) image.getShape().get(3);
        int stride = model.config().vision().imageSize() / maskSide;
        if (q[0] == 0) {
            NDManager m = queries.getManager();
            return new HeadOutput(m.zeros(new Shape(0, maskSide, maskSide)), List.of(), m.zeros(new Shape(0)), stride);
        }
        NDArray sparse = queries.reshape(1, q[0], 1, q[1]);
        SamMaskDecoder.Output out = model.predictSparse(image, sparse, false);
        long[] m = out.masks().getShape().getShape();
        NDArray logits = out.masks().reshape(q[0], m[3], m[4]);
        NDArray scores = out.iouScores().reshape(q[0]);
        return new HeadOutput(logits, List.of(), scores, stride);
    }

    @Override
    public void close() {
        // the weights belong to the checkpoint's manager
    }
}
