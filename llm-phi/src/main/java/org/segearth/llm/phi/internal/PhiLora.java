package org.segearth.llm.phi.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.segearth.api.SegEarthException;
import org.segearth.spi.Weights;
import org.segearth.spi.config.LoraConfig;

/**
 * PEFT LoRA adapters on Phi's linear modules. This is the one place that knows PEFT's key
 * layout: {@code base_model.model.<module path>.lora_A.weight} ({@code [r, in]}) and
 * {@code lora_B.weight} ({@code [out, r]}), with or without the adapter name
 * ({@code lora_A.default.weight}) that in-memory state dicts carry.
 */
public final class PhiLora {

    /** PEFT's prefix in front of the wrapped model's module paths. */
    public static final String PEFT_PREFIX = "base_model.model.";

    private static final Pattern KEY = Pattern.compile("(.+)\\.lora_([AB])(?:\\.[A-Za-z0-9_]+)?\\.weight");

    private PhiLora() {}

    /** The modules {@code config} targets: PEFT matches a name or a dotted suffix of the path. */
    public static Map<String, Linear> targets(Map<String, Linear> modules, LoraConfig config) {
        Map<String, Linear> out = new TreeMap<>();
        modules.forEach((path, linear) -> {
            for (String t : config.targetModules()) {
                if (path.equals(t) || path.endsWith("." + t)) {
                    out.put(path, linear);
                }
            }
        });
        if (out.isEmpty()) {
            throw new SegEarthException("LoRA target_modules " + config.targetModules()
                    + " match no linear module of Phi; expected names such as q_proj, k_proj, v_proj, dense, fc1, fc2");
        }
        return out;
    }

    /** Reads the pairs of a saved adapter, by module path, into {@code owner}. */
    public static Map<String, LoraWeights> read(Weights adapter, Map<String, Linear> modules, LoraConfig config,
            NDManager owner) {
        Map<String, NDArray[]> pairs = new TreeMap<>();
        List<String> foreign = new ArrayList<>();
        for (String key : adapter.keys()) {
            String path = key.startsWith(PEFT_PREFIX) ? key.substring(PEFT_PREFIX.length()) : key;
            Matcher m = KEY.matcher(path);
            if (!m.matches() || !modules.containsKey(m.group(1))) {
                foreign.add(key);
                continue;
            }
            NDArray tensor = adapter.get(key);
            tensor.attach(owner);
            pairs.computeIfAbsent(m.group(1), p -> new NDArray[2])["A".equals(m.group(2)) ? 0 : 1] = tensor;
        }
        if (!foreign.isEmpty()) {
            throw new SegEarthException("LoRA adapter has " + foreign.size() + " keys that are not LoRA pairs of Phi's"
                    + " linear modules: " + foreign.stream().limit(5).toList()
                    + "; expected base_model.model.<module>.lora_A.weight / lora_B.weight (DoRA, biases and"
                    + " modules_to_save are not supported)");
        }
        Map<String, LoraWeights> out = new LinkedHashMap<>();
        pairs.forEach((path, ab) -> {
            if (ab[0] == null || ab[1] == null) {
                throw new SegEarthException("LoRA adapter: module " + path + " has lora_"
                        + (ab[0] == null ? "B" : "A") + " but no lora_" + (ab[0] == null ? "A" : "B"));
            }
            if (ab[0].getShape().get(0) != config.r()) {
                throw new SegEarthException("LoRA adapter: " + path + ".lora_A has rank " + ab[0].getShape().get(0)
                        + " but adapter_config.json says r = " + config.r() + " (rank_pattern is not supported)");
            }
            out.put(path, new LoraWeights(ab[0], ab[1], config.scale(), config.loraDropout()));
        });
        if (out.isEmpty()) {
            throw new SegEarthException("LoRA adapter holds no lora_A/lora_B tensors");
        }
        return out;
    }

    /**
     * New pairs for every target with PEFT's initialisation: A Kaiming-uniform with a = sqrt(5)
     * (uniform in +-1/sqrt(in)), B zero; drawn in module-path order from one seeded generator.
     */
    public static Map<String, LoraWeights> create(Map<String, Linear> targets, LoraConfig config, long seed,
            NDManager owner) {
        Random random = new Random(seed);
        Map<String, LoraWeights> out = new LinkedHashMap<>();
        for (String path : new TreeSet<>(targets.keySet())) {
            Linear linear = targets.get(path);
            int in = (int) linear.inFeatures();
            double bound = 1.0 / Math.sqrt(in);
            float[] a = new float[config.r() * in];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
            }
            NDArray loraA = owner.create(a, new Shape(config.r(), in));
            NDArray loraB = owner.zeros(new Shape(linear.outFeatures(), config.r()));
            out.put(path, new LoraWeights(loraA, loraB, config.scale(), config.loraDropout()));
        }
        return out;
    }

    /** The PEFT key of a pair's tensor. */
    public static String key(String path, boolean a) {
        return PEFT_PREFIX + path + (a ? ".lora_A.weight" : ".lora_B.weight");
    }
}
