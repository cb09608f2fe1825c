/** GeoTIFF scenes in, tiled large-scene segmentation, georeferenced masks and polygons out. */
package org.segearth.geo;
