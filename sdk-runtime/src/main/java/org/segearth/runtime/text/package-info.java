/**
 * Text for the language model: the tokenizer (DJL's Hugging Face tokenizers with {@code [SEG]}
 * added), the official prompt templates with {@code <image>} and {@code <refer>} placeholders,
 * and greedy or sampled generation against {@link org.segearth.spi.LanguageModel}.
 */
package org.segearth.runtime.text;
