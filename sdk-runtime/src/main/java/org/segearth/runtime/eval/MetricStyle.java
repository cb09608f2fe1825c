package org.segearth.runtime.eval;

/**
 * Which metrics the report's top-level {@code gIoU} and {@code cIoU} are (both are always in
 * the report).
 *
 * <pre>{@code
 * MetricStyle style = MetricStyle.forDataset("lasers");   // PER_TARGET
 * }</pre>
 */
public enum MetricStyle {
    /** SegEarth-R2: per target with order matching ({@link TargetMetrics}). */
    PER_TARGET,
    /** SegEarth-R1 / referring: per sample, targets merged ({@link ReferringMetrics}). */
    PER_SAMPLE;

    /** The paper's style for a benchmark: per target for LaSeRS, per sample for the referring ones. */
    public static MetricStyle forDataset(String dataset) {
        return "lasers".equalsIgnoreCase(dataset) ? PER_TARGET : PER_SAMPLE;
    }
}
