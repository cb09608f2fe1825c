package org.segearth.runtime.pipeline.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.segearth.runtime.text.TextTokenizer;

/** The phrase of each target: the answer text between the previous {@code [SEG]} (or the start) and it, trimmed. */
public final class Phrases {

    private Phrases() {}

    /**
     * From the answer text: the pieces before each {@code segToken}; null when the text has fewer
     * than {@code targets} of them (the caller then falls back to {@link #fromIds}).
     */
    public static List<String> fromText(String answer, String segToken, int targets) {
        List<String> out = new ArrayList<>();
        int at = 0;
        while (out.size() < targets) {
            int next = answer.indexOf(segToken, at);
            if (next < 0) {
                return null;
            }
            out.add(answer.substring(at, next).strip());
            at = next + segToken.length();
        }
        return out;
    }

    /** From the answer's ids: each run of ids before a {@code segId}, decoded and trimmed. */
    public static List<String> fromIds(long[] answerIds, long segId, TextTokenizer tokenizer) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < answerIds.length; i++) {
            if (answerIds[i] == segId) {
                out.add(tokenizer.decode(Arrays.copyOfRange(answerIds, start, i)).strip());
                start = i + 1;
            }
        }
        return out;
    }
}
