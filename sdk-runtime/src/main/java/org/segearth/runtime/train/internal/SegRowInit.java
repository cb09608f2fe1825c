package org.segearth.runtime.train.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import java.util.Random;
import org.segearth.runtime.pipeline.SegEarthModel;
import org.segearth.runtime.text.TextTokenizer;
import org.segearth.runtime.train.TrainableParameter;
import org.segearth.runtime.train.TrainingConfig;
import org.segearth.spi.config.JsonConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Initialises the {@code [SEG]} embedding row when the base tokenizer did not have the token (the
 * tokenizer then gives it the next free id, a row the base model never trained): normal with the
 * config's {@code initializer_range} (transformers 4.38's resize, as the official code) or the mean
 * of the rows before it.
 */
public final class SegRowInit {

    private static final Logger LOG = LoggerFactory.getLogger(SegRowInit.class);

    private SegRowInit() {
    }

    /** Whether the package's tokenizer lacks {@code [SEG]} (so that its row is new). */
    public static boolean isFresh(SegEarthModel model) {
        return model.tokenizer().map(TextTokenizer::segTokenAdded).orElse(false);
    }

    /** Writes the initial value into {@code row}'s row (outside a gradient collector). */
    public static void initialise(SegEarthModel model, TrainableParameter row, TrainingConfig config) {
        NDArray table = row.array();
        long id = row.row();
        NDArray value;
        if (config.segRowInit() == TrainingConfig.SegRowInit.MEAN) {
            value = table.get(new NDIndex("0:{}", id)).mean(new int[] {0});
        } else {
            double std = JsonConfig.read(model.modelPackage().mllm().resolve("config.json"))
                    .getDouble("initializer_range", 0.02);
            Random random = new Random(config.seed() ^ 0x5E6L);
            float[] v = new float[(int) table.getShape().get(1)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextGaussian() * std);
            }
            value = table.getManager().create(v).toType(table.getDataType(), false);
        }
        row.assign(value);
        value.close();
        LOG.info("[SEG] embedding row {} initialised ({})", id, config.segRowInit());
    }
}
