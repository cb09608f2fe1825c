package org.segearth.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The instruction and answer templates of the demo data: explicit single-class and multi-class
 * instructions with paraphrased class names, and implicit questions. Answers follow LaSeRS, one
 * {@code [SEG]} per target in the order asked, each followed by its class's canonical name: "Sure,
 * [SEG] water." and "Sure, [SEG] roads and [SEG] buildings.". An instruction about an absent class is answered
 * without {@code [SEG]}: "Sorry, there is no water in this image."
 */
public final class Instructions {

    /** Explicit templates; {@code {t}} is "the x" or "the x and the y" or "the x, the y and the z". */
    public static final List<String> TEMPLATES = List.of(
            "segment {t}", "segment {t} in this image", "show {t}", "show me {t}", "highlight {t}",
            "find {t}", "mark {t}", "outline {t}", "locate {t}", "can you segment {t}?",
            "please segment {t}.", "identify {t} in the image", "give me the mask of {t}", "select {t}",
            "which pixels belong to {t}?");

    private Instructions() {
    }

    /** An explicit instruction about one class, with a random template and paraphrase. */
    public static Instruction single(DubaiClass c, Random random) {
        String name = pick(c.names(), random);
        String text = fill(pick(TEMPLATES, random), "the " + name);
        return new Instruction(capitalise(text, random), singleAnswer(c), List.of(c), "single");
    }

    /** An explicit instruction about several classes, named in the given order. */
    public static Instruction multiple(List<DubaiClass> classes, Random random) {
        List<String> named = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        for (DubaiClass c : classes) {
            named.add("the " + pick(c.names(), random));
            answered.add(target(c));
        }
        String text = fill(pick(TEMPLATES, random), list(named));
        return new Instruction(capitalise(text, random), "Sure, " + list(answered) + ".", classes, "multiple");
    }

    /** An implicit question whose answer is the class ("where could a boat float?" for water). */
    public static Instruction implicit(DubaiClass c, Random random) {
        String text = pick(c.questions(), random);
        return new Instruction(capitalise(text, random), singleAnswer(c), List.of(c), "implicit");
    }

    /**
     * An explicit instruction about a class that is absent from the image: the answer has no
     * {@code [SEG]} ("Sorry, there is no water in this image."), so there is no target.
     */
    public static Instruction empty(DubaiClass c, Random random) {
        Instruction i = single(c, random);
        return new Instruction(i.description(), emptyAnswer(c), List.of(), "empty", List.of(c));
    }

    /** "Sorry, there is no water in this image." */
    public static String emptyAnswer(DubaiClass c) {
        return "Sorry, there " + (c.plural() ? "are no " : "is no ") + c.canonical() + " in this image.";
    }

    /** "Sure, [SEG] water." */
    public static String singleAnswer(DubaiClass c) {
        return "Sure, " + target(c) + ".";
    }

    /**
     * "[SEG] water": the class name comes right after its {@code [SEG]}, so the text loss makes the
     * [SEG] position predict the class, and its hidden state (the mask query) must carry it. With the
     * name before the [SEG] ("the water [SEG]."), the [SEG] position only predicts "." or "and",
     * and a model trained from scratch learns a [SEG] state that is the same for every class.
     */
    static String target(DubaiClass c) {
        return Instruction.SEG + " " + c.canonical();
    }

    /** Every instruction and answer text the generator can produce (for building the vocabulary). */
    public static List<String> allTexts() {
        List<String> out = new ArrayList<>();
        for (DubaiClass c : DubaiClass.values()) {
            out.add(singleAnswer(c));
            out.add(emptyAnswer(c));
            out.addAll(c.questions());
            for (String name : c.names()) {
                for (String t : TEMPLATES) {
                    out.add(fill(t, "the " + name));
                    out.add(fill(t, "the " + name + " and the " + name));
                    out.add(fill(t, "the " + name + ", the " + name + " and the " + name));
                }
            }
            for (DubaiClass d : DubaiClass.values()) {
                out.add("Sure, " + target(c) + ", " + target(d) + " and " + target(d) + ".");
            }
        }
        return out;
    }

    private static String list(List<String> items) {
        if (items.size() == 1) {
            return items.get(0);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " and " + items.get(items.size() - 1);
    }

    private static String fill(String template, String targets) {
        return template.replace("{t}", targets);
    }

    private static String capitalise(String text, Random random) {
        if (random.nextBoolean()) {
            return text;
        }
        return text.substring(0, 1).toUpperCase(Locale.ROOT) + text.substring(1);
    }

    private static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }
}
