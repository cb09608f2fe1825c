package org.segearth.runtime.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    private static final String PHI_SYSTEM = "A chat between a curious user and an artificial intelligence assistant."
            + " The assistant gives helpful, detailed, and polite answers to the user's questions.";
    private static final String LLAVA_SYSTEM = "You are a helpful language and vision assistant. You are able to"
            + " understand the visual content that the user provides, and assist the user with a variety of tasks"
            + " using natural language.";

    @Test
    void rendersTheLasersTrainingConversation() {
        String rendered = PromptTemplate.PHI_V0.render(SegEarthPrompts.lasersHuman(),
                SegEarthPrompts.lasersGpt("the planes [SEG] [SEG]"));
        assertEquals(PHI_SYSTEM + " USER: This is an image \n<image>\n, please doing Reasoning Segmentation according"
                + " to the following instruction:\n<refer> <|assistant|> ASSISTANT: \nthe planes [SEG] [SEG]<|endoftext|>",
                rendered);
    }

    @Test
    void rendersThePhiGenerationPromptEndingWithTheAssistantRole() {
        assertEquals(PHI_SYSTEM + " USER: hello ASSISTANT:", PromptTemplate.PHI_V0.render("hello", null));
        assertEquals(PHI_SYSTEM + " USER: hello ASSISTANT:", PromptTemplate.PHI_V0.render("hello", ""));
    }

    @Test
    void rendersTheEvaluationPromptInTheLlavaPhiTemplate() {
        String rendered = PromptTemplate.named("llava_phi").render(SegEarthPrompts.evalHuman(" segment the airplanes "), null);
        assertEquals("[INST] <<SYS>>\n" + LLAVA_SYSTEM + "\n<</SYS>>\n\nThis is an image \n<image>\n. If the instruction"
                + " is a question, provide segmentation result + explanation; if it's a declarative phrase, provide only"
                + " the segmentation result\n. Please doing Referring or Reasoning Segmentation according to the"
                + " following instruction:\nsegment the airplanes [/INST]", rendered);
    }

    @Test
    void rendersALlavaPhiAnswerWithItsSeparator() {
        assertEquals("[INST] <<SYS>>\n" + LLAVA_SYSTEM + "\n<</SYS>>\n\nhi [/INST] ok <|endoftext|>",
                PromptTemplate.LLAVA_PHI.render("hi", "ok"));
    }
}
