/**
 * Phi-2 (the language model of Mipha-3B and SegEarth-R2) in Java on DJL: {@link
 * org.segearth.llm.phi.PhiForCausalLM} with a KV cache, attention capture and PEFT LoRA, its
 * provider {@code phi} and its parity check.
 */
package org.segearth.llm.phi;
