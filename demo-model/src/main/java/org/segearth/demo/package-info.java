/**
 * The embedded demo model's data and vocabulary: {@link org.segearth.demo.DubaiConverter} turns the
 * Dubai aerial tiles ("Semantic segmentation of aerial imagery", Humans in the Loop / MBRSC, CC0 1.0)
 * into a LaSeRS-format dataset with varied instructions, and {@link org.segearth.demo.TokenizerBuilder}
 * builds the small word-level {@code tokenizer.json} the demo model uses.
 */
package org.segearth.demo;
