package org.segearth.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.segearth.api.SegEarthException;
import org.segearth.runtime.text.TextTokenizer;

class TokenInputTest {

    private static final long IMAGE = TextTokenizer.IMAGE_TOKEN_INDEX;

    @Test
    void goldenLayoutGivesItsPositions() {
        TokenInput t = TokenInput.of(new long[] {498, 398, 114, 417, 107}, new long[] {553, 10, 396, 493, 84, 302},
                new long[] {17, 44, 91, 600, 120, 33, 600, 2});
        assertEquals(5, t.imageIndex());
        assertEquals(12, t.answerStart());
        assertEquals(35, t.expandedLength(16));
        assertArrayEquals(new int[] {30, 33}, t.segPositions(600, 16));
        assertArrayEquals(new long[] {17, 44, 91, 600, 120, 33, 600, 2}, t.answer());
    }

    @Test
    void segsBeforeTheAnswerAreNotTargets() {
        TokenInput t = new TokenInput(new long[] {1, IMAGE, 600, 5, 600}, 4);
        assertArrayEquals(new int[] {6}, t.segPositions(600, 3));
    }

    @Test
    void rejectsLayoutsWithoutOneImageOrWithOtherPlaceholders() {
        assertThrows(SegEarthException.class, () -> new TokenInput(new long[] {1, 2}, 2));
        assertThrows(SegEarthException.class, () -> new TokenInput(new long[] {IMAGE, IMAGE}, 2));
        assertThrows(SegEarthException.class, () -> new TokenInput(new long[] {IMAGE, TextTokenizer.REFER_TOKEN_INDEX}, 2));
        assertThrows(SegEarthException.class, () -> new TokenInput(new long[] {1, IMAGE, 3}, 1));
    }
}
