/**
 * The starter artifact {@code org.segearth:segearth} holds no code of its own: it is the one
 * dependency an application adds. It brings the user API ({@code segearth-api}), the runtime
 * ({@code segearth-runtime}, with the PyTorch CPU natives of the platform that resolves it), the
 * SigLIP and Swin encoders, Phi-2, the Mask2Former and SAM heads and the embedded demo model, so
 * that
 *
 * <pre>{@code
 * try (Segmenter seg = Segmenter.builder().build()) {          // the embedded demo model
 *     SegmentationResult r = seg.segment(Path.of("tile.jpg"), "segment the water and the roads");
 *     r.targets().forEach(t -> System.out.println(t.phrase() + ": " + t.area() + " px"));
 * }
 * }</pre>
 *
 * <p>runs with nothing else on the class path but an SLF4J binding of the application's choice.
 * ONNX Runtime, needed only by the ONNX encoders, is left out: add
 * {@code ai.djl.onnxruntime:onnxruntime-engine} to use them.
 */
package org.segearth.starter;
