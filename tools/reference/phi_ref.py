"""Reference forward of Hugging Face's PhiForCausalLM (+ PEFT LoRA), in plain torch.

This is a transcription of the forward math of `transformers/models/phi/modeling_phi.py`
(PhiRotaryEmbedding, rotate_half/apply_rotary_pos_emb, eager_attention_forward, PhiAttention
(with the optional per-head qk_layernorm),
PhiMLP with gelu_new, PhiDecoderLayer, PhiModel, PhiForCausalLM) and of PEFT's
`peft/tuners/lora/layer.py` (Linear.forward unmerged, get_delta_weight/merge), both
Copyright the Hugging Face team, licensed under the Apache License 2.0
(http://www.apache.org/licenses/LICENSE-2.0). Only the inference paths used by SegEarth are
transcribed: float32, CPU, eager attention, no dropout, batch 1 greedy decoding.

Requires only torch (>= 1.13) and numpy. Not part of the product: it makes test inputs.
"""
import math

import torch


def phi_config(raw):
    """Reads the classic (Phi-2/Mipha) or the newer (rope_parameters) config layout."""
    rope = raw.get("rope_parameters") or {}
    return {
        "vocab_size": raw["vocab_size"],
        "hidden_size": raw["hidden_size"],
        "intermediate_size": raw["intermediate_size"],
        "num_hidden_layers": raw["num_hidden_layers"],
        "num_attention_heads": raw["num_attention_heads"],
        "num_key_value_heads": raw.get("num_key_value_heads") or raw["num_attention_heads"],
        "partial_rotary_factor": rope.get("partial_rotary_factor", raw.get("partial_rotary_factor", 0.5)),
        "rope_theta": rope.get("rope_theta", raw.get("rope_theta", 10000.0)),
        "layer_norm_eps": raw.get("layer_norm_eps", 1e-5),
        "qk_layernorm": raw.get("qk_layernorm", False),
        "hidden_act": raw.get("hidden_act", "gelu_new"),
    }


def gelu_new(x):
    """transformers.activations.NewGELUActivation."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rotary_cos_sin(cfg, position_ids):
    """PhiRotaryEmbedding (rope_type default, attention_scaling 1.0) for rotary dim
    int(head_dim * partial_rotary_factor)."""
    head_dim = cfg["hidden_size"] // cfg["num_attention_heads"]
    dim = int(head_dim * cfg["partial_rotary_factor"])
    base = cfg["rope_theta"]
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=torch.int64).float() / dim))
    inv_freq_expanded = inv_freq[None, :, None].float().expand(position_ids.shape[0], -1, 1)
    position_ids_expanded = position_ids[:, None, :].float()
    freqs = (inv_freq_expanded.float() @ position_ids_expanded.float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()


def apply_rotary_pos_emb(q, k, cos, sin):
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (q * cos) + (rotate_half(q) * sin), (k * cos) + (rotate_half(k) * sin)


def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


class Phi:
    """PhiForCausalLM with an optional PEFT LoRA adapter (unmerged or merged)."""

    def __init__(self, raw_config, weights):
        self.cfg = phi_config(raw_config)
        self.w = {k: torch.from_numpy(v) for k, v in weights.items()}
        self.lora = {}  # module key (e.g. model.layers.0.self_attn.q_proj) -> (A, B, scaling)

    def apply_adapter(self, adapter_config, adapter_weights, merge):
        """PEFT LoRA: unmerged adds lora_B(lora_A(x)) * scaling; merged adds B @ A * scaling
        to the base weight (get_delta_weight); rsLoRA scales by alpha / sqrt(r)."""
        r = adapter_config["r"]
        scaling = adapter_config["lora_alpha"] / (math.sqrt(r) if adapter_config.get("use_rslora") else r)
        prefix = "base_model.model."
        for key, a in adapter_weights.items():
            if not key.endswith(".lora_A.weight"):
                continue
            module = key[len(prefix):-len(".lora_A.weight")]
            A = torch.from_numpy(a)
            B = torch.from_numpy(adapter_weights[key.replace("lora_A", "lora_B")])
            if merge:
                self.w[module + ".weight"] = self.w[module + ".weight"] + (B @ A) * scaling
            else:
                self.lora[module] = (A, B, scaling)

    def linear(self, x, key, bias=True):
        b = self.w.get(key + ".bias") if bias else None
        out = torch.nn.functional.linear(x, self.w[key + ".weight"], b)
        if key in self.lora:
            A, B, scaling = self.lora[key]
            out = out + torch.nn.functional.linear(torch.nn.functional.linear(x, A), B) * scaling
        return out

    def embed(self, ids):
        return torch.nn.functional.embedding(ids, self.w["model.embed_tokens.weight"])

    def attention(self, i, h, cos, sin, cache, want_attn):
        cfg = self.cfg
        p = "model.layers.%d.self_attn." % i
        bsz, q_len, _ = h.shape
        heads = cfg["num_attention_heads"]
        kv_heads = cfg["num_key_value_heads"]
        head_dim = cfg["hidden_size"] // heads
        q = self.linear(h, p + "q_proj").view(bsz, q_len, heads, head_dim).transpose(1, 2)
        k = self.linear(h, p + "k_proj").view(bsz, q_len, kv_heads, head_dim).transpose(1, 2)
        v = self.linear(h, p + "v_proj").view(bsz, q_len, kv_heads, head_dim).transpose(1, 2)
        if cfg["qk_layernorm"]:  # per head, over head_dim, before the rotary embedding
            q = layer_norm(q, self.w[p + "q_layernorm.weight"], self.w[p + "q_layernorm.bias"], cfg["layer_norm_eps"])
            k = layer_norm(k, self.w[p + "k_layernorm.weight"], self.w[p + "k_layernorm.bias"], cfg["layer_norm_eps"])
        rot = int(head_dim * cfg["partial_rotary_factor"])
        q_rot, q_pass = q[..., :rot], q[..., rot:]
        k_rot, k_pass = k[..., :rot], k[..., rot:]
        q_rot, k_rot = apply_rotary_pos_emb(q_rot, k_rot, cos, sin)
        q = torch.cat((q_rot, q_pass), dim=-1)
        k = torch.cat((k_rot, k_pass), dim=-1)
        if cache is not None:
            if i in cache:
                k = torch.cat((cache[i][0], k), dim=-2)
                v = torch.cat((cache[i][1], v), dim=-2)
            cache[i] = (k, v)
        groups = heads // kv_heads
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
        scaling = head_dim ** -0.5
        scores = torch.matmul(q, k.transpose(2, 3)) * scaling
        kv_len = k.shape[-2]
        past = kv_len - q_len
        qpos = torch.arange(past, kv_len)[:, None]
        kpos = torch.arange(kv_len)[None, :]
        mask = torch.zeros(q_len, kv_len)
        mask[kpos > qpos] = torch.finfo(torch.float32).min
        scores = scores + mask
        probs = torch.softmax(scores, dim=-1, dtype=torch.float32)
        out = torch.matmul(probs, v).transpose(1, 2).contiguous().reshape(bsz, q_len, -1)
        return self.linear(out, p + "dense"), (probs if want_attn else None)

    def forward(self, embeds, cache=None):
        """Returns dict(logits, last_hidden_state, hidden_states[list], attentions[list]);
        `cache` is a dict filled in place (the KV cache)."""
        cfg = self.cfg
        past = 0
        if cache is not None and 0 in cache:
            past = cache[0][0].shape[-2]
        position_ids = torch.arange(past, past + embeds.shape[1])[None, :]
        cos, sin = rotary_cos_sin(cfg, position_ids)
        h = embeds
        hidden_states = []
        attentions = []
        for i in range(cfg["num_hidden_layers"]):
            hidden_states.append(h)
            p = "model.layers.%d." % i
            residual = h
            x = layer_norm(h, self.w[p + "input_layernorm.weight"], self.w[p + "input_layernorm.bias"],
                           cfg["layer_norm_eps"])
            attn, probs = self.attention(i, x, cos, sin, cache, True)
            ff = self.linear(gelu_new(self.linear(x, p + "mlp.fc1")), p + "mlp.fc2")
            h = attn + ff + residual
            attentions.append(probs)
        h = layer_norm(h, self.w["model.final_layernorm.weight"], self.w["model.final_layernorm.bias"],
                       cfg["layer_norm_eps"])
        hidden_states.append(h)
        logits = self.linear(h, "lm_head")
        return {"logits": logits, "last_hidden_state": h, "hidden_states": hidden_states,
                "attentions": attentions}

    def greedy(self, prompt_embeds, steps):
        """Greedy decoding with the KV cache, no stop token; also returns the top-1/top-2 gaps."""
        cache = {}
        x = prompt_embeds
        ids, gaps = [], []
        for _ in range(steps):
            logits = self.forward(x, cache)["logits"][0, -1]
            top = torch.topk(logits, 2).values
            gaps.append(float(top[0] - top[1]))
            nxt = int(torch.argmax(logits))
            ids.append(nxt)
            x = self.embed(torch.tensor([[nxt]]))
        return ids, gaps
