package org.segearth.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.segearth.spi.ComponentContext;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelOutput;
import org.segearth.spi.LanguageModelProvider;

/**
 * The contract of a {@link LanguageModelProvider} and its {@link LanguageModel}: token embeddings,
 * and a causal forward pass with logits over {@link LanguageModel#vocabSize()}.
 */
public abstract class LanguageModelContract extends ComponentContract<LanguageModelProvider, LanguageModel> {

    @Override
    protected final Class<LanguageModelProvider> spi() {
        return LanguageModelProvider.class;
    }

    @Override
    protected final LanguageModel build(LanguageModelProvider provider, ComponentContext context) {
        return provider.create(context);
    }

    /** {@code batch x length} token ids below {@code rows}, seeded. */
    protected NDArray ids(NDManager manager, int batch, int length, int rows) {
        java.util.Random r = new java.util.Random(13);
        long[] v = new long[batch * length];
        for (int i = 0; i < v.length; i++) {
            v[i] = r.nextInt(rows);
        }
        return manager.create(v, new Shape(batch, length));
    }

    @Override
    protected float[] runOnce(LanguageModel model, NDManager manager) {
        try (LanguageModelOutput out = model.forward(model.embed(ids(manager, 1, 5, model.embeddingRows())))) {
            return out.logits().toFloatArray();
        }
    }

    @Test
    void embeddingsAndLogitsHaveTheDeclaredWidths() {
        ComponentContext context = context();
        LanguageModel model = create(context);
        assertTrue(model.hiddenSize() > 0 && model.embeddingRows() > 0, "hiddenSize and embeddingRows");
        assertTrue(model.vocabSize() >= model.embeddingRows(), "vocabSize >= embeddingRows");
        try (NDManager m = context.manager().newSubManager()) {
            NDArray embeds = model.embed(ids(m, 1, 5, model.embeddingRows()));
            assertEquals(new Shape(1, 5, model.hiddenSize()), embeds.getShape(), "embeddings");
            try (LanguageModelOutput out = model.forward(embeds)) {
                assertEquals(new Shape(1, 5, model.vocabSize()), out.logits().getShape(), "logits");
                assertFinite(out.logits(), "logits");
            }
        }
    }

    @Test
    void causalAttentionKeepsEarlierPositionsUnchanged() {
        ComponentContext context = context();
        LanguageModel model = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            NDArray embeds = model.embed(ids(m, 1, 5, model.embeddingRows()));
            try (LanguageModelOutput full = model.forward(embeds); LanguageModelOutput prefix = model.forward(embeds.get(":, 0:3"))) {
                assertClose(full.logits().get(":, 0:3").toFloatArray(), prefix.logits().toFloatArray(), tolerance(),
                        "the first 3 positions with and without the later ones");
            }
        }
    }

    @Test
    void aBatchGivesEachSequenceItsOwnLogits() {
        ComponentContext context = context();
        LanguageModel model = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            NDArray embeds = model.embed(ids(m, 2, 4, model.embeddingRows()));
            try (LanguageModelOutput batched = model.forward(embeds); LanguageModelOutput alone = model.forward(embeds.get("1:2"))) {
                assertClose(batched.logits().get("1:2").toFloatArray(), alone.logits().toFloatArray(), tolerance(),
                        "sequence 1 batched and alone");
            }
        }
    }

    @Test
    void idsWithoutAnEmbeddingRowAreRefused() {
        ComponentContext context = context();
        LanguageModel model = create(context);
        try (NDManager m = context.manager().newSubManager()) {
            NDArray bad = m.create(new long[] {0, model.embeddingRows()}, new Shape(1, 2));
            assertOneLineError(() -> model.embed(bad), "token id " + model.embeddingRows() + " (no embedding row)");
        }
    }
}
