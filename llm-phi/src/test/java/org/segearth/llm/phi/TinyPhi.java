package org.segearth.llm.phi;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.segearth.runtime.checkpoint.SafetensorsWriter;

/** Writes seeded random Phi checkpoints of any tiny shape (config.json + model.safetensors). */
final class TinyPhi {

    int vocab = 48;
    int embeddingRows = 48;
    int lmHeadRows = 48;
    int hidden = 32;
    int intermediate = 64;
    int layers = 2;
    int heads = 4;
    int kvHeads = 4;
    double partialRotary = 0.5;
    boolean lmHeadBias = true;
    boolean newLayout;
    double residPdrop;

    TinyPhi write(Path dir, long seed) throws Exception {
        Random random = new Random(seed);
        int kv = hidden / heads * kvHeads;
        try (NDManager m = org.segearth.runtime.Engines.newManager()) {
            Map<String, NDArray> t = new LinkedHashMap<>();
            t.put("model.embed_tokens.weight", rand(m, random, 1.0, embeddingRows, hidden));
            for (int i = 0; i < layers; i++) {
                String p = "model.layers." + i + ".";
                norm(m, random, t, p + "input_layernorm");
                linear(m, random, t, p + "self_attn.q_proj", hidden, hidden, true);
                linear(m, random, t, p + "self_attn.k_proj", kv, hidden, true);
                linear(m, random, t, p + "self_attn.v_proj", kv, hidden, true);
                linear(m, random, t, p + "self_attn.dense", hidden, hidden, true);
                linear(m, random, t, p + "mlp.fc1", intermediate, hidden, true);
                linear(m, random, t, p + "mlp.fc2", hidden, intermediate, true);
            }
            norm(m, random, t, "model.final_layernorm");
            linear(m, random, t, "lm_head", lmHeadRows, hidden, lmHeadBias);
            SafetensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of());
        }
        Files.writeString(dir.resolve("config.json"), config());
        return this;
    }

    String config() {
        String rope = newLayout
                ? "\"rope_parameters\": {\"partial_rotary_factor\": " + partialRotary + ", \"rope_theta\": 10000.0,"
                        + " \"rope_type\": \"default\"}"
                : "\"partial_rotary_factor\": " + partialRotary + ", \"rope_theta\": 10000.0";
        return "{\"model_type\": \"phi\", \"vocab_size\": " + vocab + ", \"hidden_size\": " + hidden
                + ", \"intermediate_size\": " + intermediate + ", \"num_hidden_layers\": " + layers
                + ", \"num_attention_heads\": " + heads + ", \"num_key_value_heads\": " + kvHeads + ", " + rope
                + ", \"hidden_act\": \"gelu_new\", \"layer_norm_eps\": 1e-05, \"eos_token_id\": 2, \"resid_pdrop\": "
                + residPdrop + "}";
    }

    private static void linear(NDManager m, Random r, Map<String, NDArray> t, String path, int out, int in,
            boolean bias) {
        t.put(path + ".weight", rand(m, r, 1.0 / Math.sqrt(in), out, in));
        if (bias) {
            t.put(path + ".bias", rand(m, r, 0.1, out));
        }
    }

    private void norm(NDManager m, Random r, Map<String, NDArray> t, String path) {
        t.put(path + ".weight", rand(m, r, 0.1, hidden).add(1f));
        t.put(path + ".bias", rand(m, r, 0.1, hidden));
    }

    static NDArray rand(NDManager m, Random r, double scale, int... shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        long[] s = new long[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = shape[i];
        }
        return m.create(v, new Shape(s));
    }
}
