/**
 * Model packages and the segmentation pipeline.
 */
package org.segearth.runtime.pipeline;
