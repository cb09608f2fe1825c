package org.segearth.runtime.pipeline.internal;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.segearth.runtime.pipeline.SegTokenProjector;
import org.segearth.runtime.text.TextTokenizer;
import org.segearth.spi.LanguageModel;
import org.segearth.spi.MaskEncoder;
import org.segearth.spi.SegmentationHead;
import org.segearth.spi.VisionEncoder;

/**
 * The loaded parts of a model package.
 *
 * @param manager owns every weight
 * @param vision the global branch
 * @param languageModel the LLM (with its adapter)
 * @param maskEncoder the mask branch's encoder
 * @param head the segmentation head
 * @param headName the head's provider name
 * @param projector the [SEG] projector
 * @param tokenizer the tokenizer, or null when the package has none
 * @param segTokenId the id of {@code [SEG]}
 * @param eosTokenId the id that ends an answer, or -1
 * @param maxPositions the language model's context ({@code max_position_embeddings})
 * @param resources what to close, in order, besides the manager
 */
public record Components(NDManager manager, VisionEncoder vision, LanguageModel languageModel, MaskEncoder maskEncoder,
        SegmentationHead head, String headName, SegTokenProjector projector, TextTokenizer tokenizer, long segTokenId,
        long eosTokenId, int maxPositions, List<AutoCloseable> resources) {

    public Components {
        resources = List.copyOf(resources);
    }
}
