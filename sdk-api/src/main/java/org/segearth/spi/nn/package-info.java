/**
 * Tensor building blocks that component providers share, written once on DJL {@code NDArray}s:
 * {@link org.segearth.spi.nn.Linear}, {@link org.segearth.spi.nn.LayerNorm},
 * {@link org.segearth.spi.nn.Convolutions}, {@link org.segearth.spi.nn.Activations} and
 * {@link org.segearth.spi.nn.Interpolation} (torch's bilinear/linear resize, exact when shrinking).
 *
 * <p>Each helper reproduces the PyTorch operation it is named after; results live in the manager
 * of the input activation.
 */
package org.segearth.spi.nn;
