package org.segearth.demo;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The richer instruction generator of the byte-level BPE recipe: many names per class, imperative
 * and question templates, word orders ("the water, please segment it"), politeness, random typos
 * and capitalisation, and many implicit descriptions per class. Answers are those of
 * {@link Instructions} (the canonical class name right after each {@code [SEG]}).
 *
 * <p>{@link #validationOnly} holds instructions written for validation only (single, multiple and
 * implicit): their templates, their class names and their implicit descriptions are none of the
 * training generator's, and {@link #single}/{@link #multiple}/{@link #implicit} re-draw any text
 * that would equal one of them after {@link #normalise} (lowercase, letters and digits only).
 * Their report is the "unseen phrasings" one.
 *
 * <pre>{@code
 * Instruction i = RichInstructions.single(DubaiClass.WATER, new Random(1));
 * List<Instruction> unseen = RichInstructions.validationOnly(List.of(DubaiClass.WATER, DubaiClass.ROAD));
 * }</pre>
 */
public final class RichInstructions {

    /** Explicit templates of the training generator; {@code {t}} is the list of targets. */
    public static final List<String> TEMPLATES = List.of(
            "segment {t}", "segment {t} in this image", "segment {t} in the picture", "show {t}", "show me {t}",
            "show me where {t} are", "highlight {t}", "highlight all of {t}", "find {t}", "find all {t}",
            "mark {t}", "mark {t} on the map", "outline {t}", "locate {t}", "locate {t} in the photo",
            "identify {t}", "identify {t} in the image", "give me the mask of {t}", "give me a mask for {t}",
            "select {t}", "select every pixel of {t}", "extract {t}", "detect {t}", "label {t}", "map {t}",
            "paint {t}", "cut out {t}", "isolate {t}", "point out {t}", "draw a mask over {t}",
            "which pixels belong to {t}?", "where are {t}?", "where is {t} in this image?",
            "can you segment {t}?", "can you find {t}?", "could you highlight {t}?", "would you mark {t}?",
            "is there {t}? segment it", "what part of the image shows {t}?", "how much of the image is {t}?",
            "{t}: segment", "{t}, please segment it", "{t} - show me", "{t} only", "i need {t} segmented",
            "i want to see {t}", "i am looking for {t}", "we need a mask of {t}", "get {t}", "find me {t}");

    /** Politeness added before a template (empty: none). */
    public static final List<String> PREFIXES = List.of("", "", "", "", "please ", "please, ", "kindly ", "hey, ",
            "hi, ", "ok, ", "now ", "thanks in advance: ", "excuse me, ");

    /** Politeness added after a template (empty: none). */
    public static final List<String> SUFFIXES = List.of("", "", "", "", "", " please", ", please", " thanks",
            ", thank you", " for me", " now", ".", "!", " asap");

    /** Articles and quantifiers before a class name. */
    public static final List<String> ARTICLES = List.of("the ", "the ", "the ", "", "all the ", "any ", "every ");

    private static final Map<DubaiClass, List<String>> NAMES = new EnumMap<>(Map.of(
            DubaiClass.BUILDING, List.of("buildings", "building", "houses", "house", "built-up structures",
                    "structures", "rooftops", "roofs", "homes", "residential buildings", "constructions",
                    "built areas", "villas", "blocks", "dwellings", "sheds", "apartments", "offices", "warehouses",
                    "towers"),
            DubaiClass.UNPAVED_LAND, List.of("unpaved land", "bare ground", "sandy ground", "open land", "sand",
                    "desert", "bare soil", "dirt", "empty land", "vacant lots", "barren land", "dunes",
                    "sandy areas", "unbuilt land", "dry ground", "open ground", "soil", "gravel areas",
                    "wasteland", "undeveloped land"),
            DubaiClass.ROAD, List.of("roads", "road", "streets", "street", "paved roads", "highways", "highway",
                    "lanes", "avenues", "asphalt", "roadways", "motorways", "car lanes", "paved streets",
                    "traffic lanes", "expressways", "driveways", "tarmac", "carriageways", "boulevards"),
            DubaiClass.VEGETATION, List.of("vegetation", "green areas", "plants", "greenery", "trees", "grass",
                    "palm trees", "parks", "gardens", "lawns", "shrubs", "bushes", "green spaces", "foliage",
                    "planted areas", "palms", "hedges", "meadows", "green patches", "plantations"),
            DubaiClass.WATER, List.of("water", "water bodies", "sea", "water surface", "ocean", "lake", "pools",
                    "swimming pools", "coastal water", "canal", "creek", "marina water", "lagoon", "pond",
                    "open water", "seawater", "waterways", "bay", "basin", "water areas")));

    private static final Map<DubaiClass, List<String>> IMPLICIT = new EnumMap<>(Map.of(
            DubaiClass.BUILDING, List.of("where do people live or work?", "which structures have roofs?",
                    "where could people take shelter from the sun?", "what has been built here?",
                    "where do families sleep at night?", "show me where people could be indoors",
                    "which parts are man-made and have walls?", "find the places with roofs",
                    "where could someone rent an apartment?", "what would a roofer work on?",
                    "which objects cast shadows like boxes?", "where are the offices and homes?"),
            DubaiClass.UNPAVED_LAND, List.of("where is the ground bare and not paved?",
                    "where could a new house be built?", "which areas are sand or dirt?",
                    "where is the empty desert ground?", "where is there nothing built and nothing growing?",
                    "which parts are undeveloped?", "show the empty plots", "where could a camel walk?",
                    "find the areas a bulldozer could level", "what land is still free to build on?",
                    "which surfaces are dusty and open?", "where is the ground left natural and dry?"),
            DubaiClass.ROAD, List.of("where do cars drive?", "which paths could a truck take?",
                    "where could a bus travel?", "what connects the places for traffic?",
                    "where would a taxi go?", "show where vehicles move", "which surfaces are asphalted for traffic?",
                    "where could i ride a motorbike?", "find the routes for driving", "where do the lanes run?",
                    "what would a delivery van use?", "which strips carry the traffic?"),
            DubaiClass.VEGETATION, List.of("where do plants grow?", "which areas are green?",
                    "where could a gardener work?", "where are the trees and the grass?",
                    "where is it green and leafy?", "show me the places with plants",
                    "where would birds nest in trees?", "which parts need watering by a gardener?",
                    "find the parts covered in leaves", "where could a picnic on the grass happen?",
                    "where does anything grow?", "which areas look like a park?"),
            DubaiClass.WATER, List.of("where could a boat float?", "where could fish swim?",
                    "where could someone go swimming?", "which areas are covered by water?",
                    "where could a ship sail?", "show the wet areas", "where could i go for a swim?",
                    "which parts are liquid?", "find where a kayak could paddle", "where would a fisherman cast a net?",
                    "what is blue and wet here?", "where could a jet ski go?")));

    /** Templates used only by the validation phrasings: never a training template. */
    static final List<String> VALIDATION_TEMPLATES = List.of("delineate {t}", "please annotate {t} for me",
            "would you be able to trace {t}?", "produce a segmentation of {t}", "shade {t} in this aerial photo");

    private static final Map<DubaiClass, List<String>> VALIDATION_NAMES = new EnumMap<>(Map.of(
            DubaiClass.BUILDING, List.of("edifices", "man-made buildings", "residences"),
            DubaiClass.UNPAVED_LAND, List.of("uncovered earth", "sandy terrain", "bare terrain"),
            DubaiClass.ROAD, List.of("thoroughfares", "paved routes", "road network"),
            DubaiClass.VEGETATION, List.of("verdure", "planted greenery", "green cover"),
            DubaiClass.WATER, List.of("aquatic areas", "body of water", "watery parts")));

    private static final Map<DubaiClass, List<String>> VALIDATION_IMPLICIT = new EnumMap<>(Map.of(
            DubaiClass.BUILDING, List.of("where might a family have its home?", "which things did builders put up?"),
            DubaiClass.UNPAVED_LAND, List.of("where is the raw desert floor?", "what area has no pavement and no plants?"),
            DubaiClass.ROAD, List.of("where might a car be parked or moving?", "what do commuters drive along?"),
            DubaiClass.VEGETATION, List.of("where is the foliage that needs irrigation?",
                    "which spots would a botanist study?"),
            DubaiClass.WATER, List.of("where might a sailor navigate?", "which region would be a swimmer's choice?")));

    private static final Set<String> VALIDATION_TEXTS = validationTexts();

    private RichInstructions() {
    }

    /** The training generator's names of a class (the canonical one first). */
    public static List<String> names(DubaiClass c) {
        return NAMES.get(c);
    }

    /** The training generator's implicit descriptions of a class. */
    public static List<String> implicitDescriptions(DubaiClass c) {
        return IMPLICIT.get(c);
    }

    /** An explicit instruction about one class. */
    public static Instruction single(DubaiClass c, Random random) {
        while (true) {
            String text = explicit(List.of(c), random);
            if (!isValidationText(text)) {
                return new Instruction(text, Instructions.singleAnswer(c), List.of(c), "single");
            }
        }
    }

    /** An explicit instruction about several classes, named in the given order. */
    public static Instruction multiple(List<DubaiClass> classes, Random random) {
        List<String> answered = new ArrayList<>();
        classes.forEach(c -> answered.add(Instructions.target(c)));
        while (true) {
            String text = explicit(classes, random);
            if (!isValidationText(text)) {
                return new Instruction(text, "Sure, " + list(answered, random, false) + ".", classes, "multiple");
            }
        }
    }

    /** An implicit description whose answer is the class. */
    public static Instruction implicit(DubaiClass c, Random random) {
        while (true) {
            String text = decorate(pick(IMPLICIT.get(c), random), random, false);
            if (!isValidationText(text)) {
                return new Instruction(text, Instructions.singleAnswer(c), List.of(c), "implicit");
            }
        }
    }

    /** An explicit instruction about an absent class, answered without {@code [SEG]}. */
    public static Instruction empty(DubaiClass c, Random random) {
        Instruction i = single(c, random);
        return new Instruction(i.description(), Instructions.emptyAnswer(c), List.of(), "empty", List.of(c));
    }

    /**
     * The validation-only instructions of a view whose present classes are {@code present}: per
     * class one {@code single} (validation template and name) and one {@code implicit}, and for two
     * or more classes one {@code multiple} about the first two and one about the first three (when
     * present), in the order of {@code present}; templates and names drawn with {@code random}.
     */
    public static List<Instruction> validationOnly(List<DubaiClass> present, Random random) {
        List<Instruction> out = new ArrayList<>();
        for (DubaiClass c : present) {
            String name = pick(VALIDATION_NAMES.get(c), random);
            out.add(new Instruction(fill(pick(VALIDATION_TEMPLATES, random), "the " + name),
                    Instructions.singleAnswer(c), List.of(c), "single"));
            out.add(new Instruction(pick(VALIDATION_IMPLICIT.get(c), random), Instructions.singleAnswer(c),
                    List.of(c), "implicit"));
        }
        for (int n = 2; n <= Math.min(3, present.size()); n++) {
            List<DubaiClass> classes = present.subList(0, n);
            List<String> named = new ArrayList<>();
            List<String> answered = new ArrayList<>();
            for (DubaiClass c : classes) {
                named.add("the " + pick(VALIDATION_NAMES.get(c), random));
                answered.add(Instructions.target(c));
            }
            out.add(new Instruction(fill(pick(VALIDATION_TEMPLATES, random), list(named, random, false)),
                    "Sure, " + list(answered, random, false) + ".", classes, "multiple"));
        }
        return out;
    }

    /** Every validation-only instruction text (normalised), for the disjointness checks. */
    public static Set<String> validationTexts() {
        Set<String> out = new TreeSet<>();
        for (DubaiClass c : DubaiClass.values()) {
            for (String q : VALIDATION_IMPLICIT.get(c)) {
                out.add(normalise(q));
            }
            for (String t : VALIDATION_TEMPLATES) {
                for (String name : VALIDATION_NAMES.get(c)) {
                    out.add(normalise(fill(t, "the " + name)));
                }
            }
        }
        return out;
    }

    /** Whether a normalised text is a validation phrasing's, or contains a validation-only template or name. */
    static boolean isValidationText(String text) {
        String n = normalise(text);
        if (VALIDATION_TEXTS != null && VALIDATION_TEXTS.contains(n)) {
            return true;
        }
        for (String t : VALIDATION_TEMPLATES) {
            String head = normalise(t.substring(0, t.indexOf("{t}")));
            if (!head.isEmpty() && (n.startsWith(head + " ") || n.contains(" " + head + " "))) {
                return true;
            }
        }
        for (List<String> names : VALIDATION_NAMES.values()) {
            for (String name : names) {
                if ((" " + n + " ").contains(" " + normalise(name) + " ")) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Lowercase, every run of non-letters and non-digits one space, trimmed. */
    public static String normalise(String text) {
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    private static String explicit(List<DubaiClass> classes, Random random) {
        List<String> named = new ArrayList<>();
        for (DubaiClass c : classes) {
            named.add(pick(ARTICLES, random) + pick(NAMES.get(c), random));
        }
        return decorate(fill(pick(TEMPLATES, random), list(named, random, true)), random, true);
    }

    /** Politeness, then capitalisation and sometimes a typo. */
    private static String decorate(String text, Random random, boolean polite) {
        String s = text;
        if (polite || random.nextDouble() < 0.3) {
            String suffix = s.endsWith("?") ? "" : pick(SUFFIXES, random);
            s = pick(PREFIXES, random) + s + suffix;
        }
        double r = random.nextDouble();
        if (r < 0.15) {
            s = typo(s, random);
        }
        if (random.nextDouble() < 0.05) {
            s = s.toUpperCase(Locale.ROOT);
        } else if (random.nextBoolean()) {
            s = s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1);
        }
        return s;
    }

    /** One typo in a word of four letters or more: a swap, a dropped, doubled or replaced letter. */
    static String typo(String text, Random random) {
        List<int[]> words = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\p{L}{4,}").matcher(text);
        while (m.find()) {
            words.add(new int[] {m.start(), m.end()});
        }
        if (words.isEmpty()) {
            return text;
        }
        int[] w = words.get(random.nextInt(words.size()));
        int i = w[0] + 1 + random.nextInt(w[1] - w[0] - 2);
        StringBuilder s = new StringBuilder(text);
        switch (random.nextInt(4)) {
            case 0 -> {
                if (s.charAt(i) == s.charAt(i + 1)) {
                    s.deleteCharAt(i); // swapping equal letters would change nothing
                    break;
                }
                char c = s.charAt(i);
                s.setCharAt(i, s.charAt(i + 1));
                s.setCharAt(i + 1, c);
            }
            case 1 -> s.deleteCharAt(i);
            case 2 -> s.insert(i, s.charAt(i));
            default -> {
                String letters = "aeiourstnl".replace(String.valueOf(s.charAt(i)), "");
                s.setCharAt(i, letters.charAt(random.nextInt(letters.length())));
            }
        }
        return s.toString();
    }

    private static String list(List<String> items, Random random, boolean varied) {
        if (items.size() == 1) {
            return items.get(0);
        }
        String and = varied ? pick(List.of(" and ", " and ", " & ", " as well as ", " plus "), random) : " and ";
        return String.join(", ", items.subList(0, items.size() - 1)) + and + items.get(items.size() - 1);
    }

    private static String fill(String template, String targets) {
        return template.replace("{t}", targets);
    }

    private static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }
}
