package org.segearth.runtime.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.segearth.api.Box;
import org.segearth.api.Mask;
import org.segearth.runtime.parity.Goldens;
import org.segearth.runtime.parity.ParityResult;
import org.segearth.runtime.parity.ParityRunner;

class MetricsParityTest {

    @Test
    void metricsGolden() {
        ParityResult r = new ParityRunner().run(Goldens.dir("metrics"), System.out::println);
        assertTrue(r.ok(), r.verdict());
        assertEquals(9, r.comparisons().size());
    }

    private static Mask box(int x, int y, int w, int h) {
        return Mask.builder(10, 10).fill(new Box(x, y, w, h)).build();
    }

    @Test
    void orderMatchingRepeatsTheLastPredictionAndDropsExtras() {
        Mask a = box(0, 0, 2, 2);
        Mask b = box(5, 5, 2, 2);
        // too few: the last prediction (a) is reused for the second target
        List<long[]> few = MaskScores.perTarget(List.of(a, b), List.of(a), 10, 10);
        assertEquals(4, few.get(0)[0]);
        assertEquals(0, few.get(1)[0]);
        assertEquals(8, few.get(1)[1]);
        // extra predictions are dropped
        assertEquals(1, MaskScores.perTarget(List.of(a), List.of(a, b), 10, 10).size());
        // none: empty masks
        long[] none = MaskScores.perTarget(List.of(a), List.of(), 10, 10).get(0);
        assertEquals(0, none[0]);
        assertEquals(4, none[1]);
    }

    @Test
    void emptyUnionScoresOne() {
        TargetMetrics t = new TargetMetrics();
        t.add(0, 0);
        t.add(2, 4);
        assertEquals(0.75, t.gIoU(), 1e-12);
        assertEquals(0.5, t.cIoU(), 1e-12);
        ReferringMetrics r = new ReferringMetrics();
        assertEquals(1.0, r.add(0, 0));
        assertEquals(3 / (4 + 1e-5), r.add(3, 4), 1e-15);
        assertEquals(1.0, r.precisionAt(0.7));
        assertEquals(0.5, r.precisionAt(0.8));
        assertEquals(3 / (4 + 1e-10), r.cIoU(), 1e-15);
    }

    @Test
    void mergedScoresUnionTheTargets() {
        Mask a = box(0, 0, 2, 2);
        Mask b = box(5, 5, 2, 2);
        long[] iu = MaskScores.merged(List.of(a, b), List.of(b), 10, 10);
        assertEquals(4, iu[0]);
        assertEquals(8, iu[1]);
    }
}
