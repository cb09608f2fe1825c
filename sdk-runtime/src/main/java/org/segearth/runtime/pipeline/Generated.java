package org.segearth.runtime.pipeline;

/**
 * What the model wrote in generative mode.
 *
 * @param tokens the prompt and the answer (with its end token when generation stopped there), for
 *     the teacher-forced pass that gives the [SEG] hidden states
 * @param answerIds the generated ids, without the end token
 * @param stoppedAtEos whether generation ended at the end token (else at the token limit)
 */
public record Generated(TokenInput tokens, long[] answerIds, boolean stoppedAtEos) {

    public Generated {
        answerIds = answerIds.clone();
    }

    @Override
    public long[] answerIds() {
        return answerIds.clone();
    }
}
