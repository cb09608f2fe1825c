package org.segearth.spi;

/** Creates {@link LanguageModel}s; registered through {@link java.util.ServiceLoader}. */
public interface LanguageModelProvider extends Provider {

    /** Builds the language model from the checkpoint in {@code context}. */
    LanguageModel create(ComponentContext context);
}
