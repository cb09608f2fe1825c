package org.segearth.spi.config;

import java.util.List;
import org.segearth.api.SegEarthException;

/**
 * A PEFT LoRA {@code adapter_config.json}.
 *
 * <pre>{@code
 * LoraConfig lora = LoraConfig.from(JsonConfig.read(adapterDir.resolve("adapter_config.json")));
 * double scale = lora.scale();                         // lora_alpha / r
 * languageModel.applyAdapter(lora, Checkpoint.open(adapterDir.resolve("adapter_model.safetensors"), manager), true);
 * LoraConfig training = LoraConfig.segEarthDefault(); // r 4, alpha 16, dropout 0.05 on q_proj, v_proj
 * }</pre>
 *
 * @param r the rank
 * @param loraAlpha the scaling numerator: scale = alpha / r (alpha / sqrt(r) with rsLoRA)
 * @param loraDropout dropout on the adapter's input while training
 * @param targetModules module names (last path component) the adapter wraps
 * @param useRslora rank-stabilised scaling
 * @param fanInFanOut whether weights are stored transposed (Conv1D layouts)
 */
public record LoraConfig(int r, double loraAlpha, double loraDropout, List<String> targetModules,
        boolean useRslora, boolean fanInFanOut) {

    public LoraConfig {
        targetModules = List.copyOf(targetModules);
        if (r <= 0) {
            throw new SegEarthException("LoRA config: r must be positive, found " + r);
        }
        Bounds.range("LoRA config", "r", r, 1, MAX_RANK);
        if (!Double.isFinite(loraAlpha) || loraAlpha <= 0 || loraAlpha > 1e6) {
            throw new SegEarthException("LoRA config: lora_alpha is " + loraAlpha + "; expected a number above 0 and"
                    + " at most 1e6");
        }
        Bounds.range("LoRA config", "lora_dropout", loraDropout, 0, 0.99);
        if (targetModules.isEmpty()) {
            throw new SegEarthException("LoRA config: target_modules is empty");
        }
    }

    /** Reads a PEFT {@code adapter_config.json}; DoRA and non-LoRA adapters are refused. */
    public static LoraConfig from(JsonConfig c) {
        return Bounds.from(c, () -> read(c));
    }

    /** The largest rank accepted. */
    public static final int MAX_RANK = 4096;

    private static LoraConfig read(JsonConfig c) {
        String type = c.getString("peft_type", "LORA");
        if (!"LORA".equals(type)) {
            throw c.invalid("peft_type", "is " + new com.google.gson.JsonPrimitive(type) + "; only LORA adapters are supported");
        }
        if (c.getBoolean("use_dora", false)) {
            throw c.invalid("use_dora", "is true; DoRA adapters are not supported");
        }
        return new LoraConfig(
                c.getInt("r"),
                c.getDouble("lora_alpha", 8),
                c.getDouble("lora_dropout", 0.0),
                c.getStringListOrString("target_modules", List.of()),
                c.getBoolean("use_rslora", false),
                c.getBoolean("fan_in_fan_out", false));
    }

    /** The factor applied to {@code B A x}. */
    public double scale() {
        return useRslora ? loraAlpha / Math.sqrt(r) : loraAlpha / r;
    }

    /** SegEarth-R2's training recipe: r 4, alpha 16, dropout 0.05 on q_proj and v_proj (the official scripts/train.sh). */
    public static LoraConfig segEarthDefault() {
        // scripts/train.sh passes --lora_r 4 (train.py's default is 8, as the paper says); lora_alpha 16,
        // lora_dropout 0.05 and bias "none" are train.py's TrainingArguments defaults; find_linear_layers
        // targets the Linear modules named q_proj / v_proj outside the vision towers: Phi's attention
        return new LoraConfig(4, 16, 0.05, List.of("q_proj", "v_proj"), false, false);
    }
}
