package org.segearth.runtime.pipeline.internal;

import java.util.ArrayList;
import java.util.List;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.pipeline.TokenInput;
import org.segearth.runtime.text.PromptTemplate;
import org.segearth.runtime.text.SegEarthPrompts;
import org.segearth.runtime.text.TextTokenizer;

/**
 * Renders an instruction (and an answer) with the manifest's conversation template into token ids:
 * with {@code phi_v0} (training) the LaSeRS human turn, whose {@code <refer>} becomes the
 * instruction's ids followed by {@code [SEG]}; with {@code llava_phi} the evaluation's human turn
 * with the instruction inline. The image placeholder stays in the ids.
 *
 * <pre>{@code
 * PromptBuilder p = new PromptBuilder("conv_phi_v0", tokenizer);
 * long[] prompt = p.prompt("segment the ships");
 * TokenInput pass = p.withAnswer("segment the ships", "the ships [SEG]");
 * }</pre>
 */
public final class PromptBuilder {

    private final PromptTemplate template;
    private final TextTokenizer tokenizer;

    /** A builder for the template {@code templateName} ({@code conv_} prefix optional). */
    public PromptBuilder(String templateName, TextTokenizer tokenizer) {
        String name = templateName.startsWith("conv_") ? templateName.substring(5) : templateName;
        this.template = PromptTemplate.named(name);
        this.tokenizer = tokenizer;
    }

    /** The prompt's ids, ending where the assistant's answer begins. */
    public long[] prompt(String instruction) {
        String human = human(instruction);
        return expandRefer(tokenizer.encodePrompt(template.render(human, null)), instruction);
    }

    /** The prompt followed by {@code answer} as the template renders the assistant's turn (with its end token). */
    public TokenInput withAnswer(String instruction, String answer) {
        String human = human(instruction);
        String prompt = template.render(human, null);
        String full = template.render(human, gpt(answer));
        if (!full.startsWith(prompt)) {
            throw new SegEarthException("template " + template.name() + " renders the answer turn in a way that does"
                    + " not extend the prompt; cannot place the answer");
        }
        long[] answerIds = tokenizer.encode(full.substring(prompt.length()));
        return TokenInput.of(expandRefer(tokenizer.encodePrompt(prompt), instruction), answerIds);
    }

    private String human(String instruction) {
        return template.style() == PromptTemplate.Style.TWO ? SegEarthPrompts.lasersHuman()
                : SegEarthPrompts.evalHuman(instruction);
    }

    private String gpt(String answer) {
        return template.style() == PromptTemplate.Style.TWO ? SegEarthPrompts.lasersGpt(answer) : answer;
    }

    private long[] expandRefer(long[] ids, String instruction) {
        List<Long> out = new ArrayList<>();
        for (long id : ids) {
            if (id == TextTokenizer.REFER_TOKEN_INDEX) {
                for (long r : tokenizer.encodeReferring(instruction)) {
                    out.add(r);
                }
            } else {
                out.add(id);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
