/**
 * Pure-Java image operations that providers and the runtime share, on plain arrays:
 * {@link org.segearth.spi.image.PillowResample}, Pillow's resampling reproduced bit for bit.
 */
package org.segearth.spi.image;
