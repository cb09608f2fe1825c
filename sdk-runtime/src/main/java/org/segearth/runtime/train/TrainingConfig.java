package org.segearth.runtime.train;

import java.util.Objects;
import org.segearth.api.InvalidInputException;
import org.segearth.spi.config.LoraConfig;

/**
 * Settings of a SegEarth-R2 fine-tuning run; the defaults are the official recipe
 * ({@code scripts/train.sh} and {@code segearth_r2/train/train.py}): AdamW lr 5e-5, weight decay 0,
 * warmup 3 % then cosine, LoRA r 4 / alpha 16 / dropout 0.05 on q_proj and v_proj, lambda_S 0.01,
 * point-sampled mask losses, {@code lm_head} without Mipha's bias, {@code embed_tokens} (the
 * {@code [SEG]} row included) frozen and kept as the checkpoint has it, Phi's {@code resid_pdrop}
 * dropout while training.
 *
 * <pre>{@code
 * TrainingConfig config = TrainingConfig.builder().epochs(2).batchSize(4).seed(7).saveEvery(500).build();
 * }</pre>
 *
 * @param learningRate peak learning rate
 * @param weightDecay AdamW's decoupled weight decay
 * @param beta1 AdamW's first-moment decay
 * @param beta2 AdamW's second-moment decay
 * @param eps AdamW's epsilon
 * @param warmupRatio share of the steps with a linear warmup (then cosine decay to 0)
 * @param maxGradNorm global gradient-norm clipping threshold, 0 for none
 * @param batchSize samples per micro-batch (each sample is its own forward; gradients add up)
 * @param gradientAccumulation micro-batches per optimizer step
 * @param epochs passes over the data (used when {@code maxSteps} is 0)
 * @param maxSteps optimizer steps, 0 to derive them from {@code epochs}
 * @param seed the seed of every random choice (data order, LoRA init and dropout, point sampling)
 * @param objective what the run optimises: every loss (the paper's) or the text loss alone
 * @param attentionWeight lambda_S; 0 disables the attention loss and its capture
 * @param maskLoss point-sampled (official) or dense mask losses
 * @param lora the adapter created when the base has none
 * @param trainable which weights train
 * @param segRowInit what happens to the {@code [SEG]} embedding row before training
 * @param lmHeadBias whether {@code lm_head} keeps (and trains) the base checkpoint's bias; the
 *     official model has none ({@code nn.Linear(config.hidden_size, 51200, bias=False)} in
 *     {@code SegEarthR2.__init__}, so Mipha's {@code lm_head.bias} is not loaded)
 * @param trainSegRow whether the {@code [SEG]} embedding row trains; officially not: PEFT freezes
 *     {@code embed_tokens} and {@code train_module_list} re-enables only lm_head, pixel_decoder,
 *     predictor and SEG_token_projector
 * @param modelDropout whether the language model applies its config's dropout in training
 *     ({@code resid_pdrop}, {@code embd_pdrop}), as the official Trainer's {@code model.train()} does
 * @param saveEvery save a checkpoint every N optimizer steps, 0 for only at the end
 * @param logEvery emit a progress event every N optimizer steps (at least 1)
 */
public record TrainingConfig(double learningRate, double weightDecay, double beta1, double beta2, double eps,
        double warmupRatio, double maxGradNorm, int batchSize, int gradientAccumulation, int epochs, int maxSteps,
        long seed, Objective objective, float attentionWeight, MaskLossMode maskLoss, LoraConfig lora, Trainable trainable,
        SegRowInit segRowInit, int saveEvery, int logEvery, boolean lmHeadBias, boolean trainSegRow,
        boolean modelDropout) {

    /** What a run optimises. */
    public enum Objective {
        /** The text loss, the mask losses and lambda_S x the attention loss (the paper's). */
        ALL,
        /**
         * The text loss alone; the mask branch does not run (a warm-up that teaches a language model
         * trained from scratch to follow the instructions before the masks join in).
         */
        TEXT
    }

    /** How the mask losses sample the masks. */
    public enum MaskLossMode {
        /** 12544 importance-sampled points per mask, as the official code does. */
        POINT_SAMPLED,
        /** Every pixel of the letterbox frame. */
        DENSE
    }

    /** Which weights receive gradients. */
    public enum Trainable {
        /**
         * SegEarth-R2's subset ({@code train_module_list} of {@code train.py}): LoRA, lm_head, the head
         * (pixel + transformer decoder), the SEG projector; the [SEG] row too with {@code trainSegRow}.
         */
        SEGEARTH,
        /** Every weight of every component (training a small model from scratch). */
        EVERYTHING
    }

    /** What happens to the {@code [SEG]} embedding row before training. */
    public enum SegRowInit {
        /**
         * The row as the checkpoint has it (official): {@code tokenizer.add_tokens("[SEG]")} then
         * {@code model.resize_token_embeddings(len(tokenizer))} keeps every existing row, and Mipha's
         * table (51200 rows) already has one at the new id.
         */
        KEEP,
        /**
         * Where the base tokenizer lacked {@code [SEG]}: normal with the config's
         * {@code initializer_range} (what transformers 4.38's resize gives a row it adds).
         */
        NORMAL,
        /** Where the base tokenizer lacked {@code [SEG]}: the mean of the rows before it. */
        MEAN
    }

    public TrainingConfig {
        Objects.requireNonNull(objective, "objective");
        Objects.requireNonNull(maskLoss, "maskLoss");
        Objects.requireNonNull(lora, "lora");
        Objects.requireNonNull(trainable, "trainable");
        Objects.requireNonNull(segRowInit, "segRowInit");
        require(learningRate > 0, "learning rate", learningRate, "> 0");
        require(weightDecay >= 0, "weight decay", weightDecay, ">= 0");
        require(beta1 >= 0 && beta1 < 1, "beta1", beta1, "in [0, 1)");
        require(beta2 >= 0 && beta2 < 1, "beta2", beta2, "in [0, 1)");
        require(eps > 0, "eps", eps, "> 0");
        require(warmupRatio >= 0 && warmupRatio <= 1, "warmup ratio", warmupRatio, "in [0, 1]");
        require(maxGradNorm >= 0, "max gradient norm", maxGradNorm, ">= 0 (0 disables clipping)");
        require(batchSize >= 1, "batch size", batchSize, ">= 1");
        require(gradientAccumulation >= 1, "gradient accumulation", gradientAccumulation, ">= 1");
        require(epochs >= 1 || maxSteps >= 1, "epochs", epochs, ">= 1 (or give max steps)");
        require(maxSteps >= 0, "max steps", maxSteps, ">= 0 (0: from the epochs)");
        require(attentionWeight >= 0, "attention weight lambda_S", attentionWeight, ">= 0 (0 disables it)");
        require(saveEvery >= 0, "save every", saveEvery, ">= 0 (0: only at the end)");
        require(logEvery >= 1, "log every", logEvery, ">= 1");
    }

    private static void require(boolean ok, String what, Object value, String expected) {
        if (!ok) {
            throw new InvalidInputException("training " + what + " is " + value + "; it must be " + expected);
        }
    }

    /** The paper's settings with one epoch, batch 1, seed 0. */
    public static TrainingConfig defaults() {
        return builder().build();
    }

    /** A builder starting from {@link #defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Samples per optimizer step. */
    public int samplesPerStep() {
        return batchSize * gradientAccumulation;
    }

    /** The optimizer steps of a run over {@code datasetSize} samples. */
    public int totalSteps(int datasetSize) {
        if (maxSteps > 0) {
            return maxSteps;
        }
        return (int) Math.max(1, (long) epochs * datasetSize / samplesPerStep());
    }

    /** Whether the attention maps are captured at all. */
    public boolean attentionLossEnabled() {
        return objective == Objective.ALL && attentionWeight > 0;
    }

    /** Mutable builder of {@link TrainingConfig}. */
    public static final class Builder {
        private double learningRate = 5e-5;
        private double weightDecay = 0;
        private double beta1 = 0.9;
        private double beta2 = 0.999;
        private double eps = 1e-8;
        private double warmupRatio = 0.03;
        private double maxGradNorm = 1.0;
        private int batchSize = 1;
        private int gradientAccumulation = 1;
        private int epochs = 1;
        private int maxSteps;
        private long seed;
        private Objective objective = Objective.ALL;
        private float attentionWeight = 0.01f;
        private MaskLossMode maskLoss = MaskLossMode.POINT_SAMPLED;
        private LoraConfig lora = LoraConfig.segEarthDefault();
        private Trainable trainable = Trainable.SEGEARTH;
        private SegRowInit segRowInit = SegRowInit.KEEP;
        private boolean lmHeadBias;
        private boolean trainSegRow;
        private boolean modelDropout = true;
        private int saveEvery;
        private int logEvery = 1;

        private Builder() {
        }

        private Builder(TrainingConfig c) {
            learningRate = c.learningRate;
            weightDecay = c.weightDecay;
            beta1 = c.beta1;
            beta2 = c.beta2;
            eps = c.eps;
            warmupRatio = c.warmupRatio;
            maxGradNorm = c.maxGradNorm;
            batchSize = c.batchSize;
            gradientAccumulation = c.gradientAccumulation;
            epochs = c.epochs;
            maxSteps = c.maxSteps;
            seed = c.seed;
            objective = c.objective;
            attentionWeight = c.attentionWeight;
            maskLoss = c.maskLoss;
            lora = c.lora;
            trainable = c.trainable;
            segRowInit = c.segRowInit;
            lmHeadBias = c.lmHeadBias;
            trainSegRow = c.trainSegRow;
            modelDropout = c.modelDropout;
            saveEvery = c.saveEvery;
            logEvery = c.logEvery;
        }

        /** Peak learning rate (5e-5). */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** AdamW weight decay (0). */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /** AdamW betas (0.9, 0.999). */
        public Builder betas(double b1, double b2) {
            beta1 = b1;
            beta2 = b2;
            return this;
        }

        /** AdamW epsilon (1e-8). */
        public Builder eps(double v) {
            eps = v;
            return this;
        }

        /** Warmup share of the steps (0.03). */
        public Builder warmupRatio(double v) {
            warmupRatio = v;
            return this;
        }

        /** Global gradient-norm clipping (1.0; 0 disables). */
        public Builder maxGradNorm(double v) {
            maxGradNorm = v;
            return this;
        }

        /** Samples per micro-batch (1). */
        public Builder batchSize(int v) {
            batchSize = v;
            return this;
        }

        /** Micro-batches per optimizer step (1). */
        public Builder gradientAccumulation(int v) {
            gradientAccumulation = v;
            return this;
        }

        /** Passes over the data (1). */
        public Builder epochs(int v) {
            epochs = v;
            return this;
        }

        /** Optimizer steps, overriding the epochs (0 = from the epochs). */
        public Builder maxSteps(int v) {
            maxSteps = v;
            return this;
        }

        /** The seed of everything (0). */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** What the run optimises (every loss). */
        public Builder objective(Objective v) {
            objective = v;
            return this;
        }

        /** lambda_S (0.01; 0 disables the attention loss). */
        public Builder attentionWeight(float v) {
            attentionWeight = v;
            return this;
        }

        /** Mask loss variant (point-sampled). */
        public Builder maskLoss(MaskLossMode v) {
            maskLoss = v;
            return this;
        }

        /** LoRA of a new adapter (r 8, alpha 16, dropout 0.05, q_proj + v_proj). */
        public Builder lora(LoraConfig v) {
            lora = v;
            return this;
        }

        /** What trains (SegEarth-R2's subset). */
        public Builder trainable(Trainable v) {
            trainable = v;
            return this;
        }

        /** [SEG] row before training (default {@link SegRowInit#KEEP}, the official recipe). */
        public Builder segRowInit(SegRowInit v) {
            segRowInit = Objects.requireNonNull(v);
            return this;
        }

        /** Keep and train the base's {@code lm_head} bias (default false: dropped, as the official model). */
        public Builder lmHeadBias(boolean v) {
            lmHeadBias = v;
            return this;
        }

        /** Train the {@code [SEG]} embedding row (default false: embed_tokens frozen, as the official code). */
        public Builder trainSegRow(boolean v) {
            trainSegRow = v;
            return this;
        }

        /** The language model's own dropout in training (default true, as the official code). */
        public Builder modelDropout(boolean v) {
            modelDropout = v;
            return this;
        }

        /** Checkpoint every N steps (0: at the end only). */
        public Builder saveEvery(int v) {
            saveEvery = v;
            return this;
        }

        /** Progress event every N steps (1). */
        public Builder logEvery(int v) {
            logEvery = v;
            return this;
        }

        /** The validated config. */
        public TrainingConfig build() {
            return new TrainingConfig(learningRate, weightDecay, beta1, beta2, eps, warmupRatio, maxGradNorm,
                    batchSize, gradientAccumulation, epochs, maxSteps, seed, objective, attentionWeight, maskLoss, lora,
                    trainable, segRowInit, saveEvery, logEvery, lmHeadBias, trainSegRow, modelDropout);
        }
    }
}
