package org.segearth.runtime.train;

/**
 * One progress event: after optimizer step {@code step} (1-based) of {@code totalSteps}.
 *
 * @param step steps done
 * @param totalSteps steps of the run
 * @param epoch the epoch of the step's last sample (0-based)
 * @param losses the mean loss terms over the step's samples
 * @param learningRate the learning rate the step used
 * @param gradientNorm the global gradient norm before clipping
 * @param samplesPerSecond throughput of this process so far
 * @param etaSeconds estimated seconds to the end
 */
public record TrainingProgress(int step, int totalSteps, int epoch, LossValues losses, double learningRate,
        double gradientNorm, double samplesPerSecond, double etaSeconds) {

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "step %d/%d (epoch %d) %s lr %.3g |g| %.4g %.2f samples/s ETA %.0f s",
                step, totalSteps, epoch, losses, learningRate, gradientNorm, samplesPerSecond, etaSeconds);
    }
}
