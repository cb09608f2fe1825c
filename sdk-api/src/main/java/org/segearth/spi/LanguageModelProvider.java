package org.segearth.spi;

/**
 * Creates {@link LanguageModel}s; registered through {@link java.util.ServiceLoader}.
 *
 * <pre>{@code
 * public final class PhiLanguageModelProvider implements LanguageModelProvider {
 *     public String name() {
 *         return "phi";
 *     }
 *
 *     public LanguageModel create(ComponentContext context) {
 *         return PhiForCausalLM.load(context.weights(), PhiConfig.from(context.config()));
 *     }
 * }
 *
 * // found by name through META-INF/services/org.segearth.spi.LanguageModelProvider
 * LanguageModel lm = new ProviderRegistry().find(LanguageModelProvider.class, "phi").create(context);
 * }</pre>
 */
public interface LanguageModelProvider extends Provider {

    /** Builds the language model from the checkpoint in {@code context}. */
    LanguageModel create(ComponentContext context);
}
