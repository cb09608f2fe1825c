/**
 * Phi-2 building blocks, one class per Hugging Face module ({@code PhiAttention},
 * {@code PhiMLP}, {@code PhiDecoderLayer}, ...), the key/value cache and LoRA. Not API.
 */
package org.segearth.llm.phi.internal;
