/**
 * The embedded demo model: a small model of SegEarth-R2's architecture trained from scratch on the
 * Dubai aerial tiles ("Semantic segmentation of aerial imagery", Humans in the Loop / MBRSC, CC0 1.0).
 * {@link org.segearth.demo.DubaiConverter} turns the tiles into a LaSeRS-format dataset with varied
 * instructions, {@link org.segearth.demo.TokenizerBuilder} builds the small word-level
 * {@code tokenizer.json}, {@link org.segearth.demo.DemoModelFactory} writes the initial package
 * ({@link org.segearth.demo.DemoConfig}'s sizes, seeded random weights in the SDK's checkpoint
 * layouts), {@link org.segearth.demo.TrainDemoModel} trains, packs ({@link org.segearth.demo.F16Packer})
 * and validates it ({@link org.segearth.demo.DemoEvaluation}); {@link org.segearth.demo.ForwardTiming}
 * measures its cost and {@link org.segearth.demo.QuerySpread} how much its mask query depends on the
 * class asked for.
 */
package org.segearth.demo;
