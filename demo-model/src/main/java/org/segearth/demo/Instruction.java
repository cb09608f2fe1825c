package org.segearth.demo;

import java.util.List;

/**
 * One generated instruction with its LaSeRS-style answer.
 *
 * @param description the instruction as the user would type it
 * @param answer      the answer, one {@code [SEG]} per target, in the order of {@code targets}
 * @param targets     the target classes in the order the instruction names them
 * @param category    {@code single}, {@code multiple}, {@code implicit} or {@code empty} (a class absent
 *                    from the image: its one mask is empty)
 */
public record Instruction(String description, String answer, List<DubaiClass> targets, String category) {

    /** The answers' mask placeholder. */
    public static final String SEG = "[SEG]";

    /** Copies the target list. */
    public Instruction {
        targets = List.copyOf(targets);
    }
}
