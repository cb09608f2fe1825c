/**
 * Contract tests for component providers: an author of a vision encoder, language model, mask
 * encoder or segmentation head extends the matching abstract class in a JUnit 5 test, supplies the
 * provider and a {@link org.segearth.spi.ComponentContext} with a small checkpoint, and inherits
 * the tests every provider must pass: registration for {@link java.util.ServiceLoader} under a
 * valid name, output shapes, independence of batched items, no arrays left behind, thread safety,
 * idempotent closing, one-line {@link org.segearth.api.SegEarthException}s for bad inputs, and a
 * hook for a parity check against a reference dump.
 *
 * <pre>{@code
 * class MyHeadContractTest extends SegmentationHeadContract {
 *     protected SegmentationHeadProvider provider() { return new MyHeadProvider(); }
 *     protected ComponentContext context() { ... a tiny checkpoint ... }
 * }
 * }</pre>
 */
package org.segearth.testkit;
