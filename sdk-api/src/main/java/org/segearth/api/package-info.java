/**
 * The user API of SegEarth for Java: segment remote-sensing images from a text instruction.
 * No DJL type appears in this package.
 *
 * <pre>{@code
 * try (Segmenter seg = Segmenter.builder().build()) {
 *     SegmentationResult r = seg.segment(Path.of("tile.jpg"), "segment the water and the roads");
 *     r.targets().forEach(t -> System.out.println(t.phrase() + ": " + t.area() + " px"));
 * }
 * }</pre>
 */
package org.segearth.api;
