package org.segearth.demo;

import java.util.List;

/**
 * The five target classes of the Dubai set, with their exact mask colours and the words the
 * instructions use for them. The sixth colour of the masks, unlabeled (155, 155, 155), is never a
 * target.
 */
public enum DubaiClass {
    BUILDING(0x3C1098, "buildings", true,
            List.of("buildings", "houses", "built-up structures", "rooftops", "building"),
            List.of("where do people live or work?", "which structures have roofs?",
                    "where could people take shelter from the sun?", "what has been built here?")),
    UNPAVED_LAND(0x8429F6, "unpaved land", false,
            List.of("unpaved land", "bare ground", "sandy ground", "open land", "sand"),
            List.of("where is the ground bare and not paved?", "where could a new house be built?",
                    "which areas are sand or dirt?", "where is the empty desert ground?")),
    ROAD(0x6EC1E4, "roads", true,
            List.of("roads", "streets", "paved roads", "highways", "road"),
            List.of("where do cars drive?", "which paths could a truck take?", "where could a bus travel?",
                    "what connects the places for traffic?")),
    VEGETATION(0xFEDD3A, "vegetation", false,
            List.of("vegetation", "green areas", "plants", "greenery", "trees"),
            List.of("where do plants grow?", "which areas are green?", "where could a gardener work?",
                    "where are the trees and the grass?")),
    WATER(0xE2A929, "water", false,
            List.of("water", "water bodies", "sea", "water surface"),
            List.of("where could a boat float?", "where could fish swim?", "where could someone go swimming?",
                    "which areas are covered by water?"));

    /** The colour of unlabeled pixels in the masks. */
    public static final int UNLABELED_RGB = 0x9B9B9B;

    private final int rgb;
    private final String canonical;
    private final boolean plural;
    private final List<String> names;
    private final List<String> questions;

    DubaiClass(int rgb, String canonical, boolean plural, List<String> names, List<String> questions) {
        this.rgb = rgb;
        this.canonical = canonical;
        this.plural = plural;
        this.names = names;
        this.questions = questions;
    }

    /** The class's mask colour as 0xRRGGBB. */
    public int rgb() {
        return rgb;
    }

    /** The name answers use ("roads", "water"). */
    public String canonical() {
        return canonical;
    }

    /** Whether {@link #canonical()} takes a plural verb ("the roads are"). */
    public boolean plural() {
        return plural;
    }

    /** The names instructions use: the canonical one first, then paraphrases. */
    public List<String> names() {
        return names;
    }

    /** Implicit questions whose answer is this class ("where could a boat float?"). */
    public List<String> questions() {
        return questions;
    }

    /** The class of a mask colour (0xRRGGBB), or {@code null} for unlabeled and unknown colours. */
    public static DubaiClass ofColour(int rgb) {
        for (DubaiClass c : values()) {
            if (c.rgb == (rgb & 0xFFFFFF)) {
                return c;
            }
        }
        return null;
    }

    /** The id used in records ("unpaved_land"). */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
