package org.segearth.runtime.train;

/**
 * Linear warmup then cosine decay to 0, as transformers' {@code get_cosine_schedule_with_warmup}
 * with {@code num_warmup_steps = ceil(warmup_ratio * total)}: the learning rate used by step
 * {@code s} (0-based) is {@code peak * s / warmup} during the warmup, then
 * {@code peak * 0.5 * (1 + cos(pi * (s - warmup) / (total - warmup)))}.
 *
 * <pre>{@code
 * LrSchedule schedule = LrSchedule.warmupCosine(5e-5, 0.03, 1000);
 * double lr = schedule.at(step);
 * }</pre>
 *
 * @param peak the learning rate at the end of the warmup
 * @param warmupSteps steps of linear warmup
 * @param totalSteps steps of the run
 */
public record LrSchedule(double peak, int warmupSteps, int totalSteps) {

    public LrSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("schedule needs 0 <= warmup <= total and total >= 1, got warmup "
                    + warmupSteps + " of " + totalSteps);
        }
    }

    /** The schedule of {@code totalSteps} steps with {@code ceil(warmupRatio * totalSteps)} warmup steps. */
    public static LrSchedule warmupCosine(double peak, double warmupRatio, int totalSteps) {
        return new LrSchedule(peak, (int) Math.ceil(warmupRatio * totalSteps), totalSteps);
    }

    /** The learning rate of step {@code step} (0-based). */
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * step / Math.max(1, warmupSteps);
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        return peak * Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * progress)));
    }
}
