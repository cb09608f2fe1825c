package org.segearth.runtime.text;

import java.util.List;
import org.segearth.api.SegEarthException;

/**
 * A conversation template as in the official code's {@code conversation.py}
 * ({@code Conversation.get_prompt}), for the two separator styles SegEarth-R2 uses.
 *
 * <pre>{@code
 * String prompt = PromptTemplate.PHI_V0.render(SegEarthPrompts.lasersHuman(), null);
 * // "A chat between ... USER: This is an image \n<image>\n, please ... ASSISTANT:"
 * }</pre>
 *
 * @param name the official template name ({@code phi_v0}, {@code llava_phi})
 * @param system the system message
 * @param roles the human and assistant role names
 * @param style how turns are joined
 * @param sep the first separator
 * @param sep2 the second separator (after the assistant's turn)
 */
public record PromptTemplate(String name, String system, List<String> roles, Style style, String sep, String sep2) {

    /** The separator styles of {@code conversation.py} that the official templates use. */
    public enum Style {
        /** {@code system sep role: msg sep role: msg sep2 ...}; an empty message ends with {@code role:}. */
        TWO,
        /** LLaMA-2 chat: {@code [INST] <<SYS>>\nsystem\n<</SYS>>\n\nmsg [/INST] answer sep2}. */
        LLAMA_2
    }

    /**
     * Mipha's {@code conv_phi_v0}, the training template of SegEarth-R2 (separator style TWO).
     */
    public static final PromptTemplate PHI_V0 = new PromptTemplate("phi_v0",
            "A chat between a curious user and an artificial intelligence assistant. "
                    + "The assistant gives helpful, detailed, and polite answers to the user's questions.",
            List.of("USER", "ASSISTANT"), Style.TWO, " ", "<|endoftext|>");

    /** {@code conv_llava_phi}, used by SegEarth-R2's generative evaluation (LLaMA-2 style). */
    public static final PromptTemplate LLAVA_PHI = new PromptTemplate("llava_phi",
            "You are a helpful language and vision assistant. "
                    + "You are able to understand the visual content that the user provides, "
                    + "and assist the user with a variety of tasks using natural language.",
            List.of("USER", "ASSISTANT"), Style.LLAMA_2, "<|endoftext|>", "<|endoftext|>");

    public PromptTemplate {
        roles = List.copyOf(roles);
        if (roles.size() != 2) {
            throw new SegEarthException("prompt template " + name + ": expected 2 roles, found " + roles);
        }
    }

    /** The template named {@code name} ({@code phi_v0} or {@code llava_phi}). */
    public static PromptTemplate named(String name) {
        return switch (name) {
            case "phi_v0", "phi-2_v0" -> PHI_V0;
            case "llava_phi" -> LLAVA_PHI;
            default -> throw new SegEarthException("unknown prompt template '" + name
                    + "'; expected phi_v0 (training) or llava_phi (generative evaluation)");
        };
    }

    /**
     * One human turn and the assistant's answer; a null or empty {@code gpt} renders the prompt
     * for generation.
     */
    public String render(String human, String gpt) {
        return render(gpt == null ? List.of(human, "") : List.of(human, gpt));
    }

    /** Alternating human and assistant messages; an empty message is a turn left open. */
    public String render(List<String> messages) {
        return switch (style) {
            case TWO -> renderTwo(messages);
            case LLAMA_2 -> renderLlama2(messages);
        };
    }

    private String renderTwo(List<String> messages) {
        StringBuilder out = new StringBuilder(system).append(sep);
        for (int i = 0; i < messages.size(); i++) {
            String role = roles.get(i % 2);
            String message = messages.get(i);
            if (message != null && !message.isEmpty()) {
                out.append(role).append(": ").append(message).append(i % 2 == 0 ? sep : sep2);
            } else {
                out.append(role).append(':');
            }
        }
        return out.toString();
    }

    private String renderLlama2(List<String> messages) {
        if (messages.isEmpty() || messages.get(0) == null || messages.get(0).isEmpty()) {
            throw new SegEarthException("prompt template " + name + ": the first message must come from the user");
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            String message = messages.get(i);
            if (message == null || message.isEmpty()) {
                continue;
            }
            if (i == 0) {
                message = "<<SYS>>\n" + system + "\n<</SYS>>\n\n" + message;
            }
            if (i % 2 == 0) {
                out.append(sep).append("[INST] ").append(message).append(" [/INST]");
            } else {
                out.append(' ').append(message).append(' ').append(sep2);
            }
        }
        return lstrip(out.toString(), sep);
    }

    /** Python's {@code str.lstrip(chars)}: drops leading characters that occur in {@code chars}. */
    private static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && chars.indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        return s.substring(i);
    }
}
