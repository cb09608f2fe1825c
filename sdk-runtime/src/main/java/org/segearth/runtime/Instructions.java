package org.segearth.runtime;

import org.segearth.api.InvalidInputException;

/**
 * The check of an instruction made before any work starts, shared by the command line and the
 * service so that both refuse the same instructions with the same one-line message.
 *
 * <pre>{@code
 * Instructions.check("--instruction", text);   // the CLI names its option, the service its form field
 * }</pre>
 */
public final class Instructions {

    /** Placeholders the prompt reserves for the image and the instruction's embeddings. */
    private static final String[] PLACEHOLDERS = {"<image>", "<refer>"};

    private Instructions() {}

    /**
     * Refuses a blank instruction or one holding a prompt placeholder; {@code field} names where the
     * text came from (an option, a form field).
     *
     * @throws InvalidInputException naming {@code field} and the fix
     */
    public static void check(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field + " is empty; say what to segment, e.g. \"segment the roads\"");
        }
        for (String p : PLACEHOLDERS) {
            if (text.contains(p)) {
                throw new InvalidInputException(field + " contains " + p + ", which the prompt reserves for the "
                        + (p.equals("<image>") ? "image" : "instruction") + "; remove it or write it otherwise");
            }
        }
    }
}
