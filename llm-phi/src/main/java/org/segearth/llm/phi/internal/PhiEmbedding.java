package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

/** {@code embed_tokens}: a {@code torch.nn.Embedding} lookup. */
public final class PhiEmbedding {

    private final NDArray weight; // [rows, hidden]

    private PhiEmbedding(NDArray weight) {
        this.weight = weight;
    }

    /** Loads {@code <path>.weight}, {@code [any rows, hidden]} (float16 when the view keeps 16-bit matrices). */
    public static PhiEmbedding load(Weights w, String path, long hidden, NDManager owner) {
        long[] shape = w.shapeOf(path + ".weight");
        if (shape.length != 2 || shape[1] != hidden) {
            throw new SegEarthException("embedding " + path + ".weight has shape " + java.util.Arrays.toString(shape)
                    + ", expected [rows, " + hidden + "] (hidden_size of the config)");
        }
        NDArray weight = w.getMatrix(path + ".weight", shape);
        weight.attach(owner);
        return new PhiEmbedding(weight);
    }

    /** The table, float32 or float16; rows are handed out as float32 by {@link #forward}. */
    public NDArray weight() {
        return weight;
    }

    public int rows() {
        return (int) weight.getShape().get(0);
    }

    /** {@code [batch, length]} ids to {@code [batch, length, hidden]}, in the ids' manager. */
    public NDArray forward(NDArray ids) {
        NDManager out = ids.getManager();
        try (NDManager tmp = out.newSubManager()) {
            NDArray flat = ids.toType(DataType.INT64, false).flatten();
            flat.attach(tmp);
            long[] values = flat.toLongArray();
            for (long v : values) {
                if (v < 0 || v >= rows()) {
                    throw new SegEarthException("token id " + v + " has no embedding row (the table has " + rows()
                            + " rows); placeholders such as <image> (-200) must be replaced by embeddings before"
                            + " the language model sees them");
                }
            }
            NDArray picked = weight.get(new NDIndex("{}", flat));
            NDArray rowsOut = picked.getDataType() == DataType.FLOAT32 ? picked : picked.toType(DataType.FLOAT32, false);
            if (rowsOut != picked) {
                picked.close();
            }
            Shape shape = ids.getShape().addAll(new Shape(weight.getShape().get(1)));
            NDArray result = rowsOut.reshape(shape);
            rowsOut.close();
            result.attach(out);
            return result;
        }
    }
}
