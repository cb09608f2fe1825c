/**
 * Presenting results: overlays of targets on their image and results as JSON.
 */
package org.segearth.runtime.render;
