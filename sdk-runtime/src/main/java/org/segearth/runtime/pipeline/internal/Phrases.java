package org.segearth.runtime.pipeline.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.segearth.runtime.pipeline.Manifest;
import org.segearth.runtime.text.TextTokenizer;

/**
 * The phrase of each target. Named before its {@code [SEG]} ({@link Manifest.PhrasePosition#BEFORE}):
 * the answer text between the previous {@code [SEG]} (or the start) and it, trimmed. Named after it
 * ({@link Manifest.PhrasePosition#AFTER}): the text between it and the next {@code [SEG]} (or the
 * end), trimmed, without trailing punctuation or a trailing "and"/"or".
 */
public final class Phrases {

    private Phrases() {}

    /**
     * From the answer text: one piece per {@code segToken}; null when the text has fewer than
     * {@code targets} of them (the caller then falls back to {@link #fromIds}).
     */
    public static List<String> fromText(String answer, String segToken, int targets, Manifest.PhrasePosition position) {
        List<String> pieces = List.of(answer.split(Pattern.quote(segToken), -1));
        return pieces.size() - 1 < targets ? null : phrases(pieces, targets, position);
    }

    /** From the answer's ids: the ids around each {@code segId}, decoded and cut as {@link #fromText} cuts text. */
    public static List<String> fromIds(long[] answerIds, long segId, TextTokenizer tokenizer,
            Manifest.PhrasePosition position) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= answerIds.length; i++) {
            if (i == answerIds.length || answerIds[i] == segId) {
                pieces.add(tokenizer.decode(Arrays.copyOfRange(answerIds, start, i)));
                start = i + 1;
            }
        }
        return phrases(pieces, pieces.size() - 1, position);
    }

    /** {@code pieces}: the answer split at its [SEG]s; the phrase of target k is piece k (before) or k + 1 (after). */
    private static List<String> phrases(List<String> pieces, int targets, Manifest.PhrasePosition position) {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < targets; k++) {
            out.add(position == Manifest.PhrasePosition.BEFORE ? pieces.get(k).strip() : tidyAfter(pieces.get(k + 1)));
        }
        return out;
    }

    private static String tidyAfter(String piece) {
        String s = piece.strip();
        String before;
        do {
            before = s;
            s = s.replaceAll("[\\s.,;:!?]+$", "").replaceAll("(?i)\\s+(and|or)$", "").strip();
        } while (!s.equals(before));
        return s;
    }
}
