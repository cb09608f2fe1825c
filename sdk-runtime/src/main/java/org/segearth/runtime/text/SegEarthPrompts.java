package org.segearth.runtime.text;

/**
 * The human and assistant turns of the official SegEarth-R2 code, with the {@code <image>} and
 * {@code <refer>} placeholders that the tokenizer keeps out of its vocabulary.
 *
 * <pre>{@code
 * String training = PromptTemplate.PHI_V0.render(SegEarthPrompts.lasersHuman(), SegEarthPrompts.lasersGpt("the planes [SEG]"));
 * String eval = PromptTemplate.LLAVA_PHI.render(SegEarthPrompts.evalHuman("segment the airplanes"), null);
 * }</pre>
 */
public final class SegEarthPrompts {

    /** Where the image tokens go. */
    public static final String IMAGE = "<image>";
    /** Where the instruction's embeddings (followed by one [SEG] embedding) go. */
    public static final String REFER = "<refer>";
    /** The [SEG] token added to the tokenizer. */
    public static final String SEG = "[SEG]";
    /** Phi-2's end-of-text token (the separator and the generation stop). */
    public static final String END_OF_TEXT = "<|endoftext|>";

    /** The human prefix of LaSeRS training ({@code segearth_r2/datasets/dataset.py}). */
    public static final String LASERS_PREFIX = "This is an image \n<image>\n, please doing Reasoning Segmentation"
            + " according to the following instruction:";

    /** The instruction prefix of the generative evaluation ({@code segearth_r2/eval/eval.py}). */
    public static final String EVAL_PREFIX = "This is an image \n<image>\n. If the instruction is a question,"
            + " provide segmentation result + explanation; if it's a declarative phrase, provide only the"
            + " segmentation result\n. Please doing Referring or Reasoning Segmentation according to the"
            + " following instruction:";

    private SegEarthPrompts() {}

    /** The LaSeRS human turn: the instruction itself goes in through {@code <refer>}. */
    public static String lasersHuman() {
        return LASERS_PREFIX + "\n<refer> <|assistant|>";
    }

    /** The LaSeRS assistant turn: a new line and the answer (one [SEG] per mask). */
    public static String lasersGpt(String answer) {
        return "\n" + answer;
    }

    /** The evaluation's human turn: the instruction inline after {@link #EVAL_PREFIX}. */
    public static String evalHuman(String instruction) {
        return EVAL_PREFIX + "\n" + instruction.strip();
    }
}
