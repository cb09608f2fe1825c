/**
 * Small runnable programs that show the SDK at work, each a {@code main} that takes paths as
 * arguments and a static method that does the work (which the module's tests run on a tiny model):
 *
 * <ul>
 *   <li>{@link org.segearth.samples.QuickStart}: one image, an instruction with several targets,
 *       the targets printed and an overlay saved;</li>
 *   <li>{@link org.segearth.samples.ManyInstructions}: several instructions on one image, the image
 *       encoders run once thanks to the feature cache;</li>
 *   <li>{@link org.segearth.samples.HeadAblation}: the Mask2Former and the SAM head on the same
 *       targets, compared mask by mask;</li>
 *   <li>{@link org.segearth.samples.EvaluateDataset}: gIoU and cIoU on a LaSeRS-format folder;</li>
 *   <li>{@link org.segearth.samples.FineTune}: a few training steps on a LaSeRS-format folder, then
 *       segmenting with the trained package.</li>
 * </ul>
 *
 * <p>Run one from the repository root after {@code mvn -q -pl samples -am package -DskipTests}
 * (which also writes the samples' class path to {@code samples/target/classpath.txt}); a
 * {@code MODEL_DIR} to start with is the embedded demo model written out by
 * {@code ./segearth export-demo --out demo-package}:
 *
 * <pre>
 * java -cp "samples/target/classes:$(cat samples/target/classpath.txt)" org.segearth.samples.QuickStart \
 *     demo-package testdata/dubai/images/Tile1_image_part_002.jpg "segment the water and the roads" overlay.png
 * </pre>
 *
 * Without arguments a sample prints its usage.
 */
package org.segearth.samples;
