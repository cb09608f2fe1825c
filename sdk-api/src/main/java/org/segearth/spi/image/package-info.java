/**
 * Pure-Java image operations that providers and the runtime share, on plain arrays:
 * {@link org.segearth.spi.image.PillowResample}, Pillow's resampling reproduced bit for bit, and
 * {@link org.segearth.spi.image.RowImage}, a picture made a row at a time for encoders that read
 * it so (PNGs of large masks and overlays without a full-size copy).
 */
package org.segearth.spi.image;
