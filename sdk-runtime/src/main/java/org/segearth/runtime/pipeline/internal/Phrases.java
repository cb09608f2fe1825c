package org.segearth.runtime.pipeline.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        List<Integer> at = new ArrayList<>();
        for (int i = answer.indexOf(segToken); i >= 0 && at.size() < targets; i = answer.indexOf(segToken, i + 1)) {
            at.add(i);
        }
        if (at.size() < targets) {
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < targets; k++) {
            if (position == Manifest.PhrasePosition.BEFORE) {
                int from = k == 0 ? 0 : at.get(k - 1) + segToken.length();
                out.add(answer.substring(from, at.get(k)).strip());
            } else {
                int next = answer.indexOf(segToken, at.get(k) + segToken.length());
                out.add(tidyAfter(answer.substring(at.get(k) + segToken.length(), next < 0 ? answer.length() : next)));
            }
        }
        return out;
    }

    /** From the answer's ids: the ids before (or after) each {@code segId}, decoded as {@link #fromText} cuts text. */
    public static List<String> fromIds(long[] answerIds, long segId, TextTokenizer tokenizer,
            Manifest.PhrasePosition position) {
        List<Integer> seg = new ArrayList<>();
        for (int i = 0; i < answerIds.length; i++) {
            if (answerIds[i] == segId) {
                seg.add(i);
            }
        }
        List<String> out = new ArrayList<>();
        for (int k = 0; k < seg.size(); k++) {
            if (position == Manifest.PhrasePosition.BEFORE) {
                int from = k == 0 ? 0 : seg.get(k - 1) + 1;
                out.add(tokenizer.decode(Arrays.copyOfRange(answerIds, from, seg.get(k))).strip());
            } else {
                int to = k + 1 < seg.size() ? seg.get(k + 1) : answerIds.length;
                out.add(tidyAfter(tokenizer.decode(Arrays.copyOfRange(answerIds, seg.get(k) + 1, to))));
            }
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
