/** Implementation pieces of the pipeline: weight overlays, the feature cache, prompts, mask post-processing. */
package org.segearth.runtime.pipeline.internal;
