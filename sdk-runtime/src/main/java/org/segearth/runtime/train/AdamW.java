package org.segearth.runtime.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdamW on DJL arrays, step for step as {@code torch.optim.AdamW} (single-tensor form): decoupled
 * weight decay {@code p *= 1 - lr * wd}, {@code m = lerp(m, g, 1 - beta1)},
 * {@code v = beta2 v + (1 - beta2) g^2}, {@code p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}.
 * The moments live in the optimizer's own manager, keyed by {@link TrainableParameter#key()}, and
 * can be saved and restored for an exact resume.
 *
 * <pre>{@code
 * try (AdamW opt = new AdamW(manager, 0.9, 0.999, 1e-8, 0.0)) {
 *     opt.step(params, schedule.at(step));   // after backward and clipping
 * }
 * }</pre>
 */
public final class AdamW implements AutoCloseable {

    private final NDManager manager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private final Map<String, NDArray> expAvg = new LinkedHashMap<>();
    private final Map<String, NDArray> expAvgSq = new LinkedHashMap<>();
    private int steps;

    /** An optimizer whose moments live in a child of {@code parent}. */
    public AdamW(NDManager parent, double beta1, double beta2, double eps, double weightDecay) {
        this.manager = parent.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** The optimizer of {@code config}. */
    public static AdamW of(NDManager parent, TrainingConfig config) {
        return new AdamW(parent, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
    }

    /** Optimizer steps taken so far. */
    public int steps() {
        return steps;
    }

    /** One update of every parameter with learning rate {@code lr}, from their current gradients. */
    public void step(List<TrainableParameter> params, double lr) {
        List<NDArray> gradients = params.stream().map(TrainableParameter::gradient).toList();
        step(params, gradients, lr);
        gradients.forEach(NDArray::close); // handles on the gradients, not the gradients themselves
    }

    /** One update of {@code params} from {@code gradients} (same order, e.g. after clipping). */
    public void step(List<TrainableParameter> params, List<NDArray> gradients, double lr) {
        if (params.size() != gradients.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + gradients.size() + " gradients");
        }
        steps++;
        double bias1 = 1 - Math.pow(beta1, steps);
        double bias2Sqrt = Math.sqrt(1 - Math.pow(beta2, steps));
        float stepSize = (float) (lr / bias1);
        for (int i = 0; i < params.size(); i++) {
            TrainableParameter p = params.get(i);
            try (NDManager scratch = manager.newSubManager()) {
                NDArray grad = gradients.get(i).duplicate();
                grad.attach(scratch);
                NDArray m = moment(expAvg, p);
                NDArray v = moment(expAvgSq, p);
                m.addi(grad.sub(m).mul((float) (1 - beta1)));
                v.muli((float) beta2).addi(grad.square().mul((float) (1 - beta2)));
                NDArray value = p.value();
                value.attach(scratch);
                if (weightDecay != 0) {
                    value = value.mul((float) (1 - lr * weightDecay));
                }
                // results of ops on the moments land in the moments' manager: move them to scratch
                NDArray denom = scratch(scratch, v.sqrt()).div((float) bias2Sqrt).add((float) eps);
                p.assign(value.sub(scratch(scratch, m.div(denom)).mul(stepSize)));
            }
        }
    }

    private static NDArray scratch(NDManager scratch, NDArray temporary) {
        temporary.attach(scratch);
        return temporary;
    }

    private NDArray moment(Map<String, NDArray> moments, TrainableParameter p) {
        return moments.computeIfAbsent(p.key(), k -> manager.zeros(p.shape(), p.array().getDataType()));
    }

    /** The moments under {@code exp_avg.<key>} and {@code exp_avg_sq.<key>} (live arrays). */
    public Map<String, NDArray> state() {
        Map<String, NDArray> out = new LinkedHashMap<>();
        expAvg.forEach((k, a) -> out.put("exp_avg." + k, a));
        expAvgSq.forEach((k, a) -> out.put("exp_avg_sq." + k, a));
        return out;
    }

    /** Restores {@link #state()} and the step count of a saved run (arrays are copied). */
    public void load(Map<String, NDArray> state, int stepCount) {
        expAvg.values().forEach(NDArray::close);
        expAvgSq.values().forEach(NDArray::close);
        expAvg.clear();
        expAvgSq.clear();
        state.forEach((k, a) -> {
            NDArray copy = a.duplicate();
            copy.attach(manager);
            if (k.startsWith("exp_avg_sq.")) {
                expAvgSq.put(k.substring("exp_avg_sq.".length()), copy);
            } else if (k.startsWith("exp_avg.")) {
                expAvg.put(k.substring("exp_avg.".length()), copy);
            } else {
                throw new IllegalArgumentException("optimizer state key '" + k + "' is neither exp_avg.* nor exp_avg_sq.*");
            }
        });
        steps = stepCount;
    }

    @Override
    public void close() {
        manager.close();
    }
}
