/**
 * Provider interfaces for the pluggable parts of the model (vision encoder, language model, mask
 * encoder, segmentation head) and the scoped checkpoint view they load weights from. Providers are
 * found with {@link java.util.ServiceLoader}; implementations may use DJL's {@code NDArray}.
 *
 * <p>The building blocks providers share live in {@link org.segearth.spi.nn} (linear layers, layer
 * norms, convolutions, activations, torch-exact bilinear resize) and {@link org.segearth.spi.image}
 * (Pillow's resampling on plain arrays); a provider uses those instead of writing its own.
 */
package org.segearth.spi;
