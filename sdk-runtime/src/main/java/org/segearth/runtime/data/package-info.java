/**
 * Benchmark datasets (LaSeRS, RefSegRS, EarthReason, RRSIS-D) behind {@link
 * org.segearth.runtime.data.BenchmarkDataset}, COCO masks ({@link org.segearth.runtime.data.CocoMasks})
 * and a data-only pickle reader ({@link org.segearth.runtime.data.SafePickle}).
 */
package org.segearth.runtime.data;
