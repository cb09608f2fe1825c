/**
 * Provider interfaces for the pluggable parts of the model (vision encoder, language model, mask
 * encoder, segmentation head) and the scoped checkpoint view they load weights from. Providers are
 * found with {@link java.util.ServiceLoader}; implementations may use DJL's {@code NDArray}.
 */
package org.segearth.spi;
