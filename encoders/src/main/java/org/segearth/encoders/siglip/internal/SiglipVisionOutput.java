package org.segearth.encoders.siglip.internal;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What {@link SiglipVisionTransformer#forward} returns (HF {@code BaseModelOutputWithPooling}).
 *
 * @param hiddenStates index 0 the embeddings, index i the output of encoder layer i
 * @param lastHiddenState the last layer's output after {@code post_layernorm}
 * @param poolerOutput the attention-pooled vector, or null when the head is not loaded
 */
public record SiglipVisionOutput(List<NDArray> hiddenStates, NDArray lastHiddenState, NDArray poolerOutput) {

    public SiglipVisionOutput {
        hiddenStates = List.copyOf(hiddenStates);
    }
}
