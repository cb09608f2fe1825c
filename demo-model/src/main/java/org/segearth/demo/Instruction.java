package org.segearth.demo;

import java.util.List;

/**
 * One generated instruction with its LaSeRS-style answer.
 *
 * @param description the instruction as the user would type it
 * @param answer      the answer, one {@code [SEG]} per target, in the order of {@code targets}
 * @param targets     the target classes in the order the instruction names them
 * @param category    {@code single}, {@code multiple}, {@code implicit} or {@code empty} (about a class
 *                    absent from the image: no target, no {@code [SEG]})
 * @param absent      the classes asked for that are not in the image (only for {@code empty})
 */
public record Instruction(String description, String answer, List<DubaiClass> targets, String category,
        List<DubaiClass> absent) {

    /** The answers' mask placeholder. */
    public static final String SEG = "[SEG]";

    /** Copies the lists. */
    public Instruction {
        targets = List.copyOf(targets);
        absent = List.copyOf(absent);
    }

    /** An instruction whose every asked class is a target. */
    public Instruction(String description, String answer, List<DubaiClass> targets, String category) {
        this(description, answer, targets, category, List.of());
    }
}
