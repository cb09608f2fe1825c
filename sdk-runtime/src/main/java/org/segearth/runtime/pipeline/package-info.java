/**
 * The SegEarth-R2 pipeline: model packages ({@code segearth.json} manifest, {@code mllm/},
 * {@code adapter/}, {@code mask_head/}, the [SEG] projector, trained weights), the assembled model
 * ({@link org.segearth.runtime.pipeline.SegEarthModel}) with its teacher-forced forward and
 * generation, and the {@link org.segearth.api.Segmenter} implementation behind
 * {@code Segmenter.builder()}.
 */
package org.segearth.runtime.pipeline;
