"""Reference forward of Hugging Face's SiglipVisionModel, in plain torch.

This is a transcription of the forward math of `transformers/models/siglip/modeling_siglip.py`
(SiglipVisionEmbeddings without position interpolation, SiglipAttention with eager attention,
SiglipMLP with gelu_pytorch_tanh, SiglipEncoderLayer, SiglipEncoder, SiglipVisionTransformer with
post_layernorm, SiglipMultiheadAttentionPoolingHead over torch.nn.MultiheadAttention), Copyright
the Hugging Face team, licensed under the Apache License 2.0
(http://www.apache.org/licenses/LICENSE-2.0). Float32, CPU, no dropout.

Requires only torch (>= 1.13) and numpy. Not part of the product: it makes test inputs.
"""
import math

import torch
import torch.nn.functional as F

ACT = {
    "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh"),
    "gelu": F.gelu,
    "gelu_new": lambda x: 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3))),
    "quick_gelu": lambda x: x * torch.sigmoid(1.702 * x),
}


class SiglipVision:
    """SiglipVisionTransformer; keys with or without the `vision_model.` prefix."""

    def __init__(self, config, weights):
        self.cfg = config
        prefix = "vision_model." if any(k.startswith("vision_model.") for k in weights) else ""
        self.w = {k[len(prefix):]: torch.from_numpy(v) for k, v in weights.items() if k.startswith(prefix)}
        self.use_head = config.get("vision_use_head", True) and "head.probe" in self.w
        self.act = ACT[config.get("hidden_act", "gelu_pytorch_tanh")]
        self.eps = config.get("layer_norm_eps", 1e-6)

    def linear(self, x, key):
        return F.linear(x, self.w[key + ".weight"], self.w.get(key + ".bias"))

    def ln(self, x, key):
        return F.layer_norm(x, (x.shape[-1],), self.w[key + ".weight"], self.w[key + ".bias"], self.eps)

    def embeddings(self, pixel_values):
        p = self.cfg["patch_size"]
        patch = F.conv2d(pixel_values, self.w["embeddings.patch_embedding.weight"],
                         self.w["embeddings.patch_embedding.bias"], stride=p)
        emb = patch.flatten(2).transpose(1, 2)
        n = (self.cfg["image_size"] // p) ** 2
        return emb + self.w["embeddings.position_embedding.weight"][torch.arange(n)][None]

    def attention(self, x, key):
        bsz, n, dim = x.shape
        heads = self.cfg["num_attention_heads"]
        hd = dim // heads
        q = self.linear(x, key + ".q_proj").view(bsz, n, heads, hd).transpose(1, 2)
        k = self.linear(x, key + ".k_proj").view(bsz, n, heads, hd).transpose(1, 2)
        v = self.linear(x, key + ".v_proj").view(bsz, n, heads, hd).transpose(1, 2)
        w = torch.matmul(q, k.transpose(2, 3)) * hd ** -0.5
        w = torch.softmax(w, dim=-1, dtype=torch.float32)
        out = torch.matmul(w, v).transpose(1, 2).contiguous().reshape(bsz, n, dim)
        return self.linear(out, key + ".out_proj")

    def mlp(self, x, key):
        return self.linear(self.act(self.linear(x, key + ".fc1")), key + ".fc2")

    def layer(self, x, i):
        p = "encoder.layers.%d." % i
        x = x + self.attention(self.ln(x, p + "layer_norm1"), p + "self_attn")
        return x + self.mlp(self.ln(x, p + "layer_norm2"), p + "mlp")

    def head(self, h):
        """SiglipMultiheadAttentionPoolingHead: torch.nn.MultiheadAttention(probe, h, h)."""
        bsz, n, dim = h.shape
        heads = self.cfg["num_attention_heads"]
        hd = dim // heads
        probe = self.w["head.probe"].repeat(bsz, 1, 1)
        wq, wk, wv = self.w["head.attention.in_proj_weight"].chunk(3)
        bq, bk, bv = self.w["head.attention.in_proj_bias"].chunk(3)
        q = F.linear(probe, wq, bq).view(bsz, 1, heads, hd).transpose(1, 2)
        k = F.linear(h, wk, bk).view(bsz, n, heads, hd).transpose(1, 2)
        v = F.linear(h, wv, bv).view(bsz, n, heads, hd).transpose(1, 2)
        a = torch.softmax(torch.matmul(q * hd ** -0.5, k.transpose(2, 3)), dim=-1)
        o = torch.matmul(a, v).transpose(1, 2).reshape(bsz, 1, dim)
        o = self.linear(o, "head.attention.out_proj")
        o = o + self.mlp(self.ln(o, "head.layernorm"), "head.mlp")
        return o[:, 0]

    def forward(self, pixel_values):
        h = self.embeddings(pixel_values)
        hidden_states = [h]
        for i in range(self.cfg["num_hidden_layers"]):
            h = self.layer(h, i)
            hidden_states.append(h)
        last = self.ln(h, "post_layernorm")
        out = {"hidden_states": torch.stack(hidden_states), "last_hidden_state": last}
        if self.use_head:
            out["pooler_output"] = self.head(last)
        return out
