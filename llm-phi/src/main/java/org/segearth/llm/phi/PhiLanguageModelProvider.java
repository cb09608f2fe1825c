package org.segearth.llm.phi;

import org.segearth.spi.ComponentContext;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.LanguageModelProvider;
import org.segearth.spi.config.PhiConfig;

/** Provides Phi-2 ({@code phi}) from a Phi or Mipha checkpoint. */
public final class PhiLanguageModelProvider implements LanguageModelProvider {

    @Override
    public String name() {
        return "phi";
    }

    @Override
    public LanguageModel create(ComponentContext context) {
        return PhiForCausalLM.load(context.weights(), PhiConfig.from(context.config()));
    }
}
