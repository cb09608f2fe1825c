package org.segearth.demo;

import java.util.ArrayList;
import java.util.List;
import org.segearth.runtime.text.PromptTemplate;
import org.segearth.runtime.text.SegEarthPrompts;

/**
 * The prompt strings of SegEarth-R2 (ARCHITECTURE.md, Appendix B) whose words the demo vocabulary
 * must hold: the {@code conv_phi_v0} conversation, the LaSeRS human turn and the generative
 * evaluation prefix. {@code <image>} and {@code <refer>} are placeholders that never reach the
 * tokenizer: a prompt is tokenized piece by piece around them.
 */
public final class PromptTemplates {

    /** The {@code conv_phi_v0} system prompt. */
    public static final String SYSTEM = PromptTemplate.PHI_V0.system();
    /** The human turn of LaSeRS training, before the instruction. */
    public static final String HUMAN = SegEarthPrompts.LASERS_PREFIX;
    /** The generative evaluation prefix, before the instruction. */
    public static final String EVAL_HUMAN = SegEarthPrompts.EVAL_PREFIX;
    /** End of text (the separator after the assistant's turn, also used for padding). */
    public static final String EOS = SegEarthPrompts.END_OF_TEXT;

    private PromptTemplates() {
    }

    /**
     * The texts the tokenizer sees for one instruction and answer: the conversation split at its
     * placeholders, in both forms the human turn's tail is written in.
     */
    public static List<String> pieces(String instruction, String answer) {
        List<String> texts = new ArrayList<>();
        for (String tail : List.of("\n<refer>\n<|assistant|>", "\n<refer> <|assistant|>", "\n<refer>")) {
            String conversation = SYSTEM + " USER: " + HUMAN + tail + " ASSISTANT:" + "\n" + answer + EOS;
            texts.addAll(split(conversation));
            texts.addAll(split(SYSTEM + " USER: " + HUMAN + tail + " ASSISTANT:"));
        }
        String eval = "[INST] <<SYS>>\n" + SYSTEM + "\n<</SYS>>\n\n" + EVAL_HUMAN + "\n" + instruction + " [/INST]";
        texts.addAll(split(eval));
        texts.addAll(split(eval + " " + answer + EOS));
        texts.addAll(split(SYSTEM + " USER: " + instruction + " ASSISTANT: " + answer + EOS));
        for (String t : List.of(instruction, answer)) {
            texts.add(t);
            texts.add(" " + t);
            texts.add("\n" + t);
        }
        return texts;
    }

    /** Splits a prompt at {@code <image>} and {@code <refer>} (the placeholders are dropped). */
    public static List<String> split(String prompt) {
        List<String> out = new ArrayList<>();
        for (String part : prompt.split("<image>|<refer>", -1)) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }
}
