/**
 * Image input and the preprocessing of both SegEarth-R2 branches: decoding (PNG, JPEG, TIFF,
 * {@code BufferedImage}, raw RGB) into {@link org.segearth.runtime.image.RgbImage}, Pillow-exact
 * bicubic and bilinear resampling ({@link org.segearth.runtime.image.PillowResize}), SigLIP's
 * squash-resize ({@link org.segearth.runtime.image.SiglipPreprocessor}) and the mask branch's
 * letterbox ({@link org.segearth.runtime.image.Letterbox}).
 */
package org.segearth.runtime.image;
