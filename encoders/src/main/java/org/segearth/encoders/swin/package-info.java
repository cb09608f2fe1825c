/**
 * Swin Transformer as the mask branch's image encoder (Hugging Face {@code SwinBackbone} layout):
 * {@link org.segearth.encoders.swin.SwinBackbone} and its provider {@code swin}.
 */
package org.segearth.encoders.swin;
