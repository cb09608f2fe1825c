package org.segearth.encoders.siglip.internal;

import java.util.List;
import java.util.Optional;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;

/**
 * The one place that knows where SigLIP and Mipha's projector live in a checkpoint: the tower
 * under {@code model.vision_tower.vision_model.} (Mipha), {@code vision_model.} (Google's SigLIP
 * checkpoints) or at the root ({@code SiglipVisionModel.vision_model} saved alone); the projector
 * under {@code model.mm_projector} or {@code mm_projector}.
 */
public final class SiglipCheckpointLayout {

    /** Tower prefixes, most specific first. */
    static final List<String> TOWER_PREFIXES = List.of("model.vision_tower.vision_model", "vision_tower.vision_model",
            "vision_model", "");

    /** Projector prefixes, most specific first. */
    static final List<String> PROJECTOR_PREFIXES = List.of("model.mm_projector", "mm_projector");

    private static final String PROBE_KEY = "embeddings.patch_embedding.weight";

    private SiglipCheckpointLayout() {}

    /** The view of {@code root} whose keys are the tower's ({@code embeddings.*}, {@code encoder.*}, ...). */
    public static Weights tower(Weights root) {
        for (String prefix : TOWER_PREFIXES) {
            Weights view = root.prefix(prefix);
            if (view.contains(PROBE_KEY)) {
                return view;
            }
        }
        throw new SegEarthException("no SigLIP vision tower in checkpoint (scope '" + root.scope() + "'): none of "
                + TOWER_PREFIXES.stream().map(p -> p.isEmpty() ? PROBE_KEY : p + "." + PROBE_KEY).toList()
                + " exists; expected a SigLIP or Mipha checkpoint");
    }

    /** The view holding the projector's keys ({@code 0.weight}, {@code 2.weight} or {@code weight}), if any. */
    public static Optional<Weights> projector(Weights root) {
        for (String prefix : PROJECTOR_PREFIXES) {
            Weights view = root.prefix(prefix);
            if (view.contains("0.weight") || view.contains("weight")) {
                return Optional.of(view);
            }
        }
        return Optional.empty();
    }
}
