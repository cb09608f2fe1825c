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
 * <p>Run one from the repository root after {@code mvn -q package -DskipTests}, e.g.
 * {@code java -cp "samples/target/classes:$(cat cli/target/classpath.txt)" org.segearth.samples.QuickStart ...}.
 */
package org.segearth.samples;
