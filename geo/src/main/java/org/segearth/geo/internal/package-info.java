/** Implementation of the geo module: TIFF tags, the mask GeoTIFF writer, tile blending, polygons. */
package org.segearth.geo.internal;
