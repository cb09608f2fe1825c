package org.segearth.geo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.segearth.api.SegmentationResult;
import org.segearth.api.Target;

/**
 * What one tile adds to its scene: the tile's targets grouped by normalised phrase
 * ({@link SceneSegmenter#normalisePhrase}), one entry per phrase with the per-pixel maximum of the
 * targets' logits, the mean of their scores weighted by mask area, and the summed mask area. A
 * {@link SceneMerger} blends these; they are small enough to send between machines (one float per
 * tile pixel and phrase).
 *
 * @param x0 the tile's left column in the scene
 * @param y0 the tile's top row in the scene
 * @param width tile columns
 * @param height tile rows
 * @param phrases one entry per distinct phrase, in the order the tile's answer names them
 * @param fromMasks whether some target came without logits (then its mask counts as logit +1
 *     inside and -1 outside)
 */
public record TileTargets(int x0, int y0, int width, int height, List<Phrase> phrases, boolean fromMasks) {

    public TileTargets {
        phrases = List.copyOf(phrases);
        for (Phrase p : phrases) {
            if (p.logits().length != width * height) {
                throw new IllegalArgumentException("'" + p.phrase() + "' has " + p.logits().length + " logits for a "
                        + width + "x" + height + " tile");
            }
        }
    }

    /**
     * The targets of one phrase on one tile.
     *
     * @param phrase the normalised phrase
     * @param score the targets' scores weighted by mask area (the highest score when every mask is empty)
     * @param area foreground pixels of the targets' masks, summed
     * @param logits per tile pixel, row-major: the maximum of the targets' logits
     */
    public record Phrase(String phrase, double score, long area, float[] logits) {
        public Phrase {
            Objects.requireNonNull(phrase, "phrase");
            Objects.requireNonNull(logits, "logits");
        }
    }

    /** The targets of the tile at {@code (x0, y0)} that {@code r} segmented, grouped by phrase. */
    public static TileTargets of(SegmentationResult r, int x0, int y0, int w, int h) {
        boolean missing = false;
        List<Phrase> phrases = new ArrayList<>();
        for (Map.Entry<String, List<Target>> g : byPhrase(r.targets()).entrySet()) {
            float[] max = null;
            long area = 0;
            for (Target t : g.getValue()) {
                float[] l;
                if (t.logits().isPresent()) {
                    l = t.logits().get().values();
                } else {
                    missing = true;
                    l = new float[w * h];
                    for (int i = 0; i < l.length; i++) {
                        l[i] = t.mask().get(i % w, i / w) ? 1f : -1f;
                    }
                }
                if (max == null) {
                    max = l;
                } else {
                    for (int i = 0; i < l.length; i++) {
                        max[i] = Math.max(max[i], l[i]);
                    }
                }
                area += t.area();
            }
            phrases.add(new Phrase(g.getKey(), score(g.getValue()), area, max));
        }
        return new TileTargets(x0, y0, w, h, phrases, missing);
    }

    /** {@code targets} grouped by normalised phrase ({@link SceneSegmenter#normalisePhrase}), in order of first mention. */
    static Map<String, List<Target>> byPhrase(List<Target> targets) {
        Map<String, List<Target>> groups = new LinkedHashMap<>();
        for (Target t : targets) {
            groups.computeIfAbsent(SceneSegmenter.normalisePhrase(t.phrase()), k -> new ArrayList<>()).add(t);
        }
        return groups;
    }

    /** The score of targets of one phrase: their scores weighted by mask area, the highest when every mask is empty. */
    static double score(List<Target> targets) {
        double weighted = 0;
        double area = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (Target t : targets) {
            weighted += t.score() * t.area();
            area += t.area();
            best = Math.max(best, t.score());
        }
        return area > 0 ? weighted / area : best;
    }
}
