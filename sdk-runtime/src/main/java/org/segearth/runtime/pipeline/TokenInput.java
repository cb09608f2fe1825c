package org.segearth.runtime.pipeline;

import java.util.Arrays;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.text.TextTokenizer;

/**
 * The token ids of one teacher-forced pass: the prompt with exactly one image placeholder
 * ({@link TextTokenizer#IMAGE_TOKEN_INDEX}), then the answer from {@code answerStart} on. The
 * {@code [SEG]}s of the answer (and only those) are the mask positions.
 *
 * <pre>{@code
 * TokenInput t = TokenInput.of(prefixIds, instructionIds, answerIds); // prefix, <image>, instruction, answer
 * }</pre>
 *
 * @param ids the ids, one of them the image placeholder
 * @param answerStart index in {@code ids} of the answer's first token ({@code ids.length} for none)
 */
public record TokenInput(long[] ids, int answerStart) {

    public TokenInput {
        ids = ids.clone();
        long images = Arrays.stream(ids).filter(id -> id == TextTokenizer.IMAGE_TOKEN_INDEX).count();
        if (images != 1) {
            throw new SegEarthException("token ids must hold exactly one image placeholder ("
                    + TextTokenizer.IMAGE_TOKEN_INDEX + "), found " + images);
        }
        if (answerStart <= imageIndex(ids) || answerStart > ids.length) {
            throw new SegEarthException("the answer must start after the image placeholder at " + imageIndex(ids)
                    + " and at most at " + ids.length + ", got " + answerStart);
        }
        for (long id : ids) {
            if (id < 0 && id != TextTokenizer.IMAGE_TOKEN_INDEX) {
                throw new SegEarthException("token id " + id + " is negative; only the image placeholder "
                        + TextTokenizer.IMAGE_TOKEN_INDEX + " may be (expand <refer> before)");
            }
        }
    }

    /** The golden's layout: {@code prefix}, the image placeholder, {@code instruction}, {@code answer}. */
    public static TokenInput of(long[] prefix, long[] instruction, long[] answer) {
        long[] ids = new long[prefix.length + 1 + instruction.length + answer.length];
        System.arraycopy(prefix, 0, ids, 0, prefix.length);
        ids[prefix.length] = TextTokenizer.IMAGE_TOKEN_INDEX;
        System.arraycopy(instruction, 0, ids, prefix.length + 1, instruction.length);
        System.arraycopy(answer, 0, ids, prefix.length + 1 + instruction.length, answer.length);
        return new TokenInput(ids, prefix.length + 1 + instruction.length);
    }

    /** A prompt followed by an answer. */
    public static TokenInput of(long[] prompt, long[] answer) {
        long[] ids = Arrays.copyOf(prompt, prompt.length + answer.length);
        System.arraycopy(answer, 0, ids, prompt.length, answer.length);
        return new TokenInput(ids, prompt.length);
    }

    @Override
    public long[] ids() {
        return ids.clone();
    }

    /** The answer's ids. */
    public long[] answer() {
        return Arrays.copyOfRange(ids, answerStart, ids.length);
    }

    /** The prompt's ids (placeholder included). */
    public long[] prompt() {
        return Arrays.copyOfRange(ids, 0, answerStart);
    }

    /** Where the image placeholder is. */
    public int imageIndex() {
        return imageIndex(ids);
    }

    /** Tokens once the placeholder is replaced by {@code imageTokens} image tokens. */
    public int expandedLength(int imageTokens) {
        return ids.length - 1 + imageTokens;
    }

    /** Positions (after expansion) of the answer's tokens equal to {@code segId}. */
    public int[] segPositions(long segId, int imageTokens) {
        int shift = imageTokens - 1;
        return java.util.stream.IntStream.range(answerStart, ids.length).filter(i -> ids[i] == segId)
                .map(i -> i + shift).toArray();
    }

    private static int imageIndex(long[] ids) {
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] == TextTokenizer.IMAGE_TOKEN_INDEX) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenInput t && t.answerStart == answerStart && Arrays.equals(t.ids, ids);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(ids) + answerStart;
    }

    @Override
    public String toString() {
        return "TokenInput[" + ids.length + " ids, answer from " + answerStart + "]";
    }
}
