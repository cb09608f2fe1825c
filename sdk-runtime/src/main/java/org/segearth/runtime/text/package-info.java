/**
 * Text for the language model: the tokenizer (DJL's Hugging Face tokenizers on a checkpoint's
 * {@code tokenizer.json} or on the slow byte-level BPE files Mipha-3B ships, with {@code [SEG]}
 * added as the official training adds it), the official prompt templates with {@code <image>}
 * and {@code <refer>} placeholders, and greedy or sampled generation against
 * {@link org.segearth.spi.LanguageModel}.
 */
package org.segearth.runtime.text;
