/**
 * {@code segearth serve}: a versioned REST API ({@code /v1/...}, described at
 * {@code /v1/openapi.json}) and a web page around one shared {@code Segmenter}, with a bounded
 * work queue, size and pixel limits, a per-request time limit and an optional API key. A
 * georeferenced TIFF is read through {@code org.segearth.geo} and its targets also come back as
 * RFC 7946 GeoJSON.
 */
package org.segearth.serve;
