package org.segearth.spi;

/**
 * The key/value cache of a {@link LanguageModel}: filled by a prefill forward, then extended by
 * one-token steps. A step with the cache gives the same result as recomputing the whole
 * sequence. Implementations preallocate capacity and grow it geometrically, so that a long
 * generation never re-allocates the whole cache per token.
 *
 * <pre>{@code
 * try (KvCache cache = model.newCache(1, prompt.getShape().get(1) + maxNewTokens)) {
 *     LanguageModelOutput first = model.forward(prompt, cache, ForwardOptions.DEFAULT);
 *     LanguageModelOutput next = model.forward(model.embed(nextId), cache, ForwardOptions.DEFAULT);
 * }
 * }</pre>
 */
public interface KvCache extends AutoCloseable {

    /** Tokens held (the position of the next token). */
    int length();

    /** Tokens that fit before the cache has to grow. */
    int capacity();

    /**
     * Forgets every position from {@code length} on, so that a shared prefix (system prompt and
     * image tokens) can be reused by several continuations.
     */
    void truncate(int length);

    /** The batch size the cache was made for. */
    int batchSize();

    /** Frees the cache's native memory; idempotent. */
    @Override
    void close();
}
