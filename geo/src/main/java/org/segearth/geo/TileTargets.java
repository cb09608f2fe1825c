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
        Map<String, float[]> logits = new LinkedHashMap<>();
        Map<String, double[]> scoreArea = new LinkedHashMap<>();
        boolean missing = false;
        for (Target t : r.targets()) {
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
            String phrase = SceneSegmenter.normalisePhrase(t.phrase());
            float[] prior = logits.get(phrase);
            if (prior == null) {
                logits.put(phrase, l);
                scoreArea.put(phrase, new double[] {t.score() * t.area(), t.area(), t.score()});
            } else {
                for (int i = 0; i < l.length; i++) {
                    prior[i] = Math.max(prior[i], l[i]);
                }
                double[] sa = scoreArea.get(phrase);
                sa[0] += t.score() * t.area();
                sa[1] += t.area();
                sa[2] = Math.max(sa[2], t.score());
            }
        }
        List<Phrase> phrases = new ArrayList<>();
        for (Map.Entry<String, float[]> e : logits.entrySet()) {
            double[] sa = scoreArea.get(e.getKey());
            double score = sa[1] > 0 ? sa[0] / sa[1] : sa[2];
            phrases.add(new Phrase(e.getKey(), score, (long) sa[1], e.getValue()));
        }
        return new TileTargets(x0, y0, w, h, phrases, missing);
    }
}
