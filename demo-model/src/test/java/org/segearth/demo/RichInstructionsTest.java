package org.segearth.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RichInstructionsTest {

    static final List<DubaiClass> ALL = List.of(DubaiClass.values());

    /** Every validation-only text, enumerated through the public generator (many draws, every class order). */
    static Set<String> validationTexts() {
        Set<String> out = new HashSet<>();
        Random random = new Random(3);
        for (int n = 0; n < 4000; n++) {
            List<DubaiClass> order = new ArrayList<>(ALL);
            Collections.shuffle(order, random);
            for (Instruction i : RichInstructions.validationOnly(order.subList(0, 1 + random.nextInt(5)), random)) {
                out.add(RichInstructions.normalise(i.description()));
            }
        }
        return out;
    }

    @Test
    void trainingGeneratorNeverProducesAValidationPhrasing() {
        Set<String> validation = validationTexts();
        assertTrue(validation.size() > 100, "validation phrasings: " + validation.size());
        // every single-class and implicit validation phrasing was enumerated
        assertTrue(validation.containsAll(RichInstructions.validationTexts()));
        Random random = new Random(17);
        Set<String> seen = new HashSet<>();
        for (int n = 0; n < 40_000; n++) {
            DubaiClass c = ALL.get(random.nextInt(ALL.size()));
            List<DubaiClass> order = new ArrayList<>(ALL);
            Collections.shuffle(order, random);
            for (Instruction i : List.of(RichInstructions.single(c, random), RichInstructions.implicit(c, random),
                    RichInstructions.empty(c, random),
                    RichInstructions.multiple(order.subList(0, 2 + random.nextInt(2)), random))) {
                String t = RichInstructions.normalise(i.description());
                assertFalse(validation.contains(t), "the training generator produced a validation phrasing: "
                        + i.description());
                seen.add(t);
            }
        }
        assertTrue(seen.size() > 30_000, "distinct training instructions: " + seen.size());
    }

    @Test
    void validationWordingSharesNoTemplateNameOrDescriptionWithTraining() {
        for (String t : RichInstructions.VALIDATION_TEMPLATES) {
            assertFalse(RichInstructions.TEMPLATES.contains(t), t);
        }
        Random random = new Random(1);
        for (DubaiClass c : ALL) {
            for (Instruction v : RichInstructions.validationOnly(List.of(c), random)) {
                assertEquals(List.of(c), v.targets());
                assertEquals(Instructions.singleAnswer(c), v.answer());
                for (String name : RichInstructions.names(c)) {
                    assertFalse(RichInstructions.normalise(v.description()).endsWith(" the " + name), v.description());
                }
                assertFalse(RichInstructions.implicitDescriptions(c).contains(v.description()), v.description());
            }
        }
        List<Instruction> three = RichInstructions.validationOnly(
                List.of(DubaiClass.WATER, DubaiClass.ROAD, DubaiClass.BUILDING), random);
        assertEquals(8, three.size());
        assertEquals("Sure, [SEG] water, [SEG] roads and [SEG] buildings.", three.get(7).answer());
        assertEquals("multiple", three.get(7).category());
    }

    @Test
    void generatorCoversTheWordingsTheIssueAsksFor() {
        Random random = new Random(5);
        int questions = 0;
        int polite = 0;
        int typos = 0;
        int upper = 0;
        Set<String> names = new HashSet<>();
        for (int n = 0; n < 5000; n++) {
            DubaiClass c = ALL.get(n % ALL.size());
            Instruction s = RichInstructions.single(c, random);
            assertEquals(Instructions.singleAnswer(c), s.answer());
            String t = s.description().toLowerCase();
            questions += t.contains("?") ? 1 : 0;
            polite += t.contains("please") || t.contains("thank") || t.contains("kindly") ? 1 : 0;
            upper += s.description().equals(s.description().toUpperCase()) ? 1 : 0;
            boolean known = false;
            for (String name : RichInstructions.names(c)) {
                if (t.contains(name)) {
                    names.add(name);
                    known = true;
                }
            }
            typos += known ? 0 : 1;
        }
        assertTrue(questions > 500, "questions " + questions);
        assertTrue(polite > 500, "polite " + polite);
        assertTrue(typos > 100, "typos " + typos);
        assertTrue(upper > 50, "all caps " + upper);
        assertTrue(names.size() >= 80, "names used " + names.size());
        Instruction m = RichInstructions.multiple(List.of(DubaiClass.ROAD, DubaiClass.WATER), random);
        assertEquals("Sure, [SEG] roads and [SEG] water.", m.answer());
        assertEquals("multiple", m.category());
    }

    @Test
    void typoChangesOneLongWordByOneEdit() {
        Random random = new Random(2);
        for (int n = 0; n < 200; n++) {
            String t = RichInstructions.typo("segment the water", random);
            assertTrue(t.startsWith("s") && !t.equals("segment the water"), t);
            int diff = Math.abs(t.length() - "segment the water".length());
            assertTrue(diff <= 1, t);
        }
        assertEquals("a b c", RichInstructions.typo("a b c", random));
    }
}
