package org.segearth.heads.sam.internal;

import org.segearth.spi.Weights;

/**
 * Where the {@code SamModel} keys live in a checkpoint: at the root ({@code save_pretrained} of
 * {@code SamModel}) or below {@code sam.} (a SAM inside a bigger model). The one place that knows.
 */
public final class SamLayout {

    private SamLayout() {}

    /** The view whose keys start with {@code vision_encoder.}, {@code prompt_encoder.}, {@code mask_decoder.}. */
    public static Weights root(Weights w) {
        boolean plain = w.keys().stream().anyMatch(k -> k.startsWith("mask_decoder.") || k.startsWith("vision_encoder."));
        if (!plain && w.keys().stream().anyMatch(k -> k.startsWith("sam.mask_decoder.") || k.startsWith("sam.vision_encoder."))) {
            return w.prefix("sam");
        }
        return w;
    }
}
