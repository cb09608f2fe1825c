package org.segearth.cli.pipeline;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.segearth.llm.phi.PhiLanguageModelProvider;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.ForwardOptions;
import org.segearth.spi.KvCache;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.LanguageModelProvider;
import org.segearth.spi.Weights;
import org.segearth.spi.config.LoraConfig;

/**
 * A test language model ({@code counting-phi}): Phi, counting its forwards over more than one
 * token (prefills and teacher-forced passes) and its one-token steps.
 */
public final class CountingLanguageModelProvider implements LanguageModelProvider {

    /** Its name. */
    public static final String NAME = "counting-phi";
    /** Forwards of more than one token since the last {@link #reset()}. */
    public static final AtomicInteger MULTI_TOKEN_FORWARDS = new AtomicInteger();
    /** One-token forwards since the last {@link #reset()}. */
    public static final AtomicInteger ONE_TOKEN_FORWARDS = new AtomicInteger();

    /** Zeroes both counters. */
    public static void reset() {
        MULTI_TOKEN_FORWARDS.set(0);
        ONE_TOKEN_FORWARDS.set(0);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public LanguageModel create(ComponentContext context) {
        return new Counting(new PhiLanguageModelProvider().create(context));
    }

    private record Counting(LanguageModel phi) implements LanguageModel {

        @Override
        public LanguageModelOutput forward(NDArray inputsEmbeds, KvCache cache, ForwardOptions options) {
            (inputsEmbeds.getShape().get(1) > 1 ? MULTI_TOKEN_FORWARDS : ONE_TOKEN_FORWARDS).incrementAndGet();
            return phi.forward(inputsEmbeds, cache, options);
        }

        @Override
        public int hiddenSize() {
            return phi.hiddenSize();
        }

        @Override
        public int embeddingRows() {
            return phi.embeddingRows();
        }

        @Override
        public NDArray embed(NDArray ids) {
            return phi.embed(ids);
        }

        @Override
        public int vocabSize() {
            return phi.vocabSize();
        }

        @Override
        public int eosTokenId() {
            return phi.eosTokenId();
        }

        @Override
        public int numLayers() {
            return phi.numLayers();
        }

        @Override
        public KvCache newCache(int batch, int capacity) {
            return phi.newCache(batch, capacity);
        }

        @Override
        public void applyAdapter(LoraConfig config, Weights adapter, boolean merge) {
            phi.applyAdapter(config, adapter, merge);
        }

        @Override
        public void createAdapter(LoraConfig config, long seed) {
            phi.createAdapter(config, seed);
        }

        @Override
        public Map<String, NDArray> adapterTensors() {
            return phi.adapterTensors();
        }

        @Override
        public void setTraining(boolean training) {
            phi.setTraining(training);
        }

        @Override
        public Map<String, NDArray> parameters() {
            return phi.parameters();
        }

        @Override
        public void close() {
            phi.close();
        }
    }
}
