/**
 * {@code segearth serve}: a versioned REST API ({@code /v1/...}, described at
 * {@code /v1/openapi.json}) and a web page around one shared {@code Segmenter}, with a bounded
 * work queue, size and pixel limits, a per-request time limit and an optional API key.
 */
package org.segearth.serve;
