#!/usr/bin/env python3
"""Reference forward pass of Mask2Former (HF ``Mask2FormerForUniversalSegmentation`` with a
``SwinBackbone``) driven by given [SEG] queries, and a generator of parity dumps in the layout
of ``testdata/goldens/mask2former``.

The math is a transcription of the Hugging Face transformers implementation
(``models/swin/modeling_swin.py`` and ``models/mask2former/modeling_mask2former.py``,
Copyright Microsoft Research, Meta Platforms, Inc. and The HuggingFace Inc. team, licensed
under the Apache License, Version 2.0). Only the inference path is kept; the learned queries
are replaced by one given query per run with a zero query position embedding.

Needs Python 3, torch (1.13 or later) and numpy. It is a development tool, not part of the
product: the dumps it writes are the test inputs.

  python3 tools/reference/mask2former_reference.py validate testdata/goldens/mask2former
  python3 tools/reference/mask2former_reference.py generate testdata/extra
"""

import argparse
import json
import math
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

# ---------------------------------------------------------------------------------------------
# safetensors (8-byte little-endian header length, JSON header, raw little-endian data)
# ---------------------------------------------------------------------------------------------

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32,
           "U8": np.uint8, "BOOL": np.bool_}
_NAMES = {np.dtype(v).name: k for k, v in _DTYPES.items()}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    base = 8 + n
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        arr = np.frombuffer(data[base + start:base + end], dtype=dtype).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.astype(arr.dtype.newbyteorder("="), copy=True))
    return out


def write_safetensors(path, tensors, metadata=None):
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        arr = np.ascontiguousarray(tensors[name].detach().cpu().numpy())
        le = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
        raw = le.tobytes()
        header[name] = {"dtype": _NAMES[arr.dtype.name], "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


# ---------------------------------------------------------------------------------------------
# Swin backbone (SwinBackbone: embeddings, stages, hidden_states_norms)
# ---------------------------------------------------------------------------------------------

def layer_norm(x, w, prefix, eps=1e-5):
    return F.layer_norm(x, (x.shape[-1],), w[prefix + ".weight"], w[prefix + ".bias"], eps)


def linear(x, w, prefix, bias=True):
    return F.linear(x, w[prefix + ".weight"], w.get(prefix + ".bias") if bias else None)


def window_partition(x, ws):
    b, h, wd, c = x.shape
    x = x.view(b, h // ws, ws, wd // ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, ws, ws, c)


def window_reverse(windows, ws, h, wd):
    c = windows.shape[-1]
    x = windows.view(-1, h // ws, wd // ws, ws, ws, c)
    return x.permute(0, 1, 3, 2, 4, 5).contiguous().view(-1, h, wd, c)


def relative_position_index(ws):
    coords = torch.stack(torch.meshgrid([torch.arange(ws), torch.arange(ws)], indexing="ij"))
    flat = torch.flatten(coords, 1)
    rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
    rel[:, :, 0] += ws - 1
    rel[:, :, 1] += ws - 1
    rel[:, :, 0] *= 2 * ws - 1
    return rel.sum(-1)


def shift_attn_mask(hp, wp, ws, shift, dtype):
    img = torch.zeros((1, hp, wp, 1), dtype=dtype)
    slices = (slice(0, -ws), slice(-ws, -shift), slice(-shift, None))
    count = 0
    for hs in slices:
        for wsl in slices:
            img[:, hs, wsl, :] = count
            count += 1
    mw = window_partition(img, ws).view(-1, ws * ws)
    m = mw.unsqueeze(1) - mw.unsqueeze(2)
    return m.masked_fill(m != 0, -100.0).masked_fill(m == 0, 0.0)


def swin_self_attention(x, w, p, heads, table_ws, ws, mask):
    bw, n, c = x.shape
    hd = c // heads

    def split(t):
        return t.view(bw, n, heads, hd).permute(0, 2, 1, 3)

    q = split(linear(x, w, p + ".self.query"))
    k = split(linear(x, w, p + ".self.key"))
    v = split(linear(x, w, p + ".self.value"))
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd)
    if ws == table_ws:
        idx = relative_position_index(ws)
    else:
        # Only reached with --shrink-windows (a diagnostic, not HF): HF builds the bias for the
        # configured window only and fails on any other; read the centre of the table instead.
        coords = torch.stack(torch.meshgrid([torch.arange(ws), torch.arange(ws)], indexing="ij")).flatten(1)
        rel = coords[:, :, None] - coords[:, None, :] + (table_ws - 1)
        idx = rel[0] * (2 * table_ws - 1) + rel[1]
    bias = w[p + ".self.relative_position_bias_table"][idx.reshape(-1)].view(ws * ws, ws * ws, -1)
    scores = scores + bias.permute(2, 0, 1).contiguous().unsqueeze(0)
    if mask is not None:
        nw = mask.shape[0]
        scores = scores.view(bw // nw, nw, heads, n, n) + mask.unsqueeze(1).unsqueeze(0)
        scores = scores.view(-1, heads, n, n)
    probs = F.softmax(scores, dim=-1)
    ctx = torch.matmul(probs, v).permute(0, 2, 1, 3).contiguous().view(bw, n, c)
    return linear(ctx, w, p + ".output.dense")


def swin_layer(x, dims, w, p, heads, window, shift, eps, always_partition):
    h, wd = dims
    ws, sh = window, shift
    if not always_partition and min(dims) <= window:
        # SwinLayer.set_shift_and_window_size (not used by SwinBackbone, which always partitions)
        ws, sh = min(dims), 0
    b, _, c = x.shape
    shortcut = x
    x = layer_norm(x, w, p + ".layernorm_before", eps).view(b, h, wd, c)
    pad_r = (ws - wd % ws) % ws
    pad_b = (ws - h % ws) % ws
    x = F.pad(x, (0, 0, 0, pad_r, 0, pad_b))
    hp, wp = x.shape[1], x.shape[2]
    if sh > 0:
        x = torch.roll(x, shifts=(-sh, -sh), dims=(1, 2))
    win = window_partition(x, ws).view(-1, ws * ws, c)
    mask = shift_attn_mask(hp, wp, ws, sh, x.dtype) if sh > 0 else None
    out = swin_self_attention(win, w, p + ".attention", heads, window, ws, mask)
    x = window_reverse(out.view(-1, ws, ws, c), ws, hp, wp)
    if sh > 0:
        x = torch.roll(x, shifts=(sh, sh), dims=(1, 2))
    x = x[:, :h, :wd, :].contiguous().view(b, h * wd, c)
    hidden = shortcut + x
    y = layer_norm(hidden, w, p + ".layernorm_after", eps)
    y = F.gelu(linear(y, w, p + ".intermediate.dense"))
    return hidden + linear(y, w, p + ".output.dense")


def patch_merging(x, dims, w, p):
    h, wd = dims
    b, _, c = x.shape
    x = x.view(b, h, wd, c)
    if h % 2 == 1 or wd % 2 == 1:
        x = F.pad(x, (0, 0, 0, wd % 2, 0, h % 2))
    x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2], x[:, 1::2, 1::2]], -1)
    x = x.view(b, -1, 4 * c)
    x = layer_norm(x, w, p + ".norm")
    return linear(x, w, p + ".reduction", bias=False)


def swin_backbone(pixel_values, w, cfg, always_partition=True):
    """SwinBackbone feature maps (NCHW, after hidden_states_norms), one per stage."""
    p = "model.pixel_level_module.encoder."
    patch = cfg["patch_size"]
    eps = cfg.get("layer_norm_eps", 1e-5)
    x = pixel_values
    _, _, h, wd = x.shape
    if wd % patch != 0:
        x = F.pad(x, (0, patch - wd % patch))
    if h % patch != 0:
        x = F.pad(x, (0, 0, 0, patch - h % patch))
    x = F.conv2d(x, w[p + "embeddings.patch_embeddings.projection.weight"],
                 w[p + "embeddings.patch_embeddings.projection.bias"], stride=patch)
    b, c, h, wd = x.shape
    x = x.flatten(2).transpose(1, 2)
    x = layer_norm(x, w, p + "embeddings.norm")
    dims = (h, wd)
    window = cfg["window_size"]
    maps = []
    n_stages = len(cfg["depths"])
    for s in range(n_stages):
        for i in range(cfg["depths"][s]):
            shift = 0 if i % 2 == 0 else window // 2
            x = swin_layer(x, dims, w, p + "encoder.layers.%d.blocks.%d" % (s, i), cfg["num_heads"][s],
                           window, shift, eps, always_partition)
        before = x
        stage = "stage%d" % (s + 1)
        if stage in cfg["out_features"]:
            y = layer_norm(before, w, p + "hidden_states_norms." + stage)
            maps.append(y.view(b, dims[0], dims[1], -1).permute(0, 3, 1, 2).contiguous())
        if s < n_stages - 1:
            x = patch_merging(before, dims, w, p + "encoder.layers.%d.downsample" % s)
            dims = ((dims[0] + 1) // 2, (dims[1] + 1) // 2)
    return maps


# ---------------------------------------------------------------------------------------------
# Pixel decoder (MSDeformAttn encoder + FPN) and masked-attention transformer decoder
# ---------------------------------------------------------------------------------------------

def sine_position_embedding(x, num_pos_feats, temperature=10000, scale=2 * math.pi):
    b, _, h, wd = x.shape
    not_mask = torch.ones((b, h, wd), dtype=x.dtype)
    y_embed = not_mask.cumsum(1)
    x_embed = not_mask.cumsum(2)
    eps = 1e-6
    y_embed = y_embed / (y_embed[:, -1:, :] + eps) * scale
    x_embed = x_embed / (x_embed[:, :, -1:] + eps) * scale
    dim_t = torch.arange(num_pos_feats, dtype=torch.int64).type_as(x)
    dim_t = temperature ** (2 * torch.div(dim_t, 2, rounding_mode="floor") / num_pos_feats)
    pos_x = x_embed[:, :, :, None] / dim_t
    pos_y = y_embed[:, :, :, None] / dim_t
    pos_x = torch.stack((pos_x[:, :, :, 0::2].sin(), pos_x[:, :, :, 1::2].cos()), dim=4).flatten(3)
    pos_y = torch.stack((pos_y[:, :, :, 0::2].sin(), pos_y[:, :, :, 1::2].cos()), dim=4).flatten(3)
    return torch.cat((pos_y, pos_x), dim=3).permute(0, 3, 1, 2)


def group_norm(x, w, p, groups=32):
    return F.group_norm(x, groups, w[p + ".weight"], w[p + ".bias"], 1e-5)


def ms_deform_attn_core(value, shapes, sampling_locations, attention_weights):
    b, _, heads, hd = value.shape
    _, nq, heads, nl, npts, _ = sampling_locations.shape
    value_list = value.split([h * wd for h, wd in shapes], dim=1)
    grids = 2 * sampling_locations - 1
    sampled = []
    for lvl, (h, wd) in enumerate(shapes):
        v = value_list[lvl].flatten(2).transpose(1, 2).reshape(b * heads, hd, h, wd)
        g = grids[:, :, :, lvl].transpose(1, 2).flatten(0, 1)
        sampled.append(F.grid_sample(v, g, mode="bilinear", padding_mode="zeros", align_corners=False))
    aw = attention_weights.transpose(1, 2).reshape(b * heads, 1, nq, nl * npts)
    out = (torch.stack(sampled, dim=-2).flatten(-2) * aw).sum(-1).view(b, heads * hd, nq)
    return out.transpose(1, 2).contiguous()


def ms_deform_attn(hidden, pos, reference_points, shapes, w, p, heads, n_levels=3, n_points=4):
    q = hidden + pos
    b, nq, d = q.shape
    value = linear(hidden, w, p + ".value_proj").view(b, nq, heads, d // heads)
    offsets = linear(q, w, p + ".sampling_offsets").view(b, nq, heads, n_levels, n_points, 2)
    aw = linear(q, w, p + ".attention_weights").view(b, nq, heads, n_levels * n_points)
    aw = F.softmax(aw, -1).view(b, nq, heads, n_levels, n_points)
    normalizer = torch.tensor([[s[1], s[0]] for s in shapes], dtype=torch.long)
    loc = reference_points[:, :, None, :, None, :] + offsets / normalizer[None, None, None, :, None, :]
    out = ms_deform_attn_core(value, shapes, loc, aw)
    return linear(out, w, p + ".output_proj")


def reference_points(shapes, dtype):
    refs = []
    for h, wd in shapes:
        ry, rx = torch.meshgrid(torch.linspace(0.5, h - 0.5, h, dtype=dtype),
                                torch.linspace(0.5, wd - 0.5, wd, dtype=dtype), indexing="ij")
        ry = ry.reshape(-1)[None] / (1.0 * h)
        rx = rx.reshape(-1)[None] / (1.0 * wd)
        refs.append(torch.stack((rx, ry), -1))
    r = torch.cat(refs, 1)
    valid = torch.ones((1, len(shapes), 2), dtype=dtype)
    return r[:, :, None] * valid[:, None]


def pixel_decoder(features, w, cfg):
    p = "model.pixel_level_module.decoder."
    fs = cfg["feature_size"]
    levels = 3
    embeds, pos = [], []
    for lvl, x in enumerate(features[::-1][:levels]):
        y = F.conv2d(x, w[p + "input_projections.%d.0.weight" % lvl], w[p + "input_projections.%d.0.bias" % lvl])
        embeds.append(group_norm(y, w, p + "input_projections.%d.1" % lvl))
        pos.append(sine_position_embedding(x, fs // 2))
    shapes = [(e.shape[2], e.shape[3]) for e in embeds]
    flat = torch.cat([e.flatten(2).transpose(1, 2) for e in embeds], 1)
    pos_flat = torch.cat([q.flatten(2).transpose(1, 2) + w[p + "level_embed"][i].view(1, 1, -1)
                          for i, q in enumerate(pos)], 1)
    refs = reference_points(shapes, flat.dtype)
    h = flat
    for i in range(cfg["encoder_layers"]):
        lp = p + "encoder.layers.%d" % i
        r = h
        h = ms_deform_attn(h, pos_flat, refs, shapes, w, lp + ".self_attn", cfg["num_attention_heads"])
        h = layer_norm(r + h, w, lp + ".self_attn_layer_norm")
        r = h
        y = F.relu(linear(h, w, lp + ".fc1"))
        h = layer_norm(r + linear(y, w, lp + ".fc2"), w, lp + ".final_layer_norm")
    b = h.shape[0]
    outs = [x.transpose(1, 2).view(b, -1, shapes[i][0], shapes[i][1])
            for i, x in enumerate(torch.split(h, [a * c for a, c in shapes], dim=1))]
    strides = cfg["feature_strides"][-levels:]
    n_fpn = int(np.log2(min(strides)) - np.log2(cfg["common_stride"]))
    for idx in range(n_fpn):
        feature = features[:n_fpn][::-1][idx]
        k = n_fpn - idx  # adapter_k / layer_k, ordered low to high resolution
        lat = group_norm(F.conv2d(feature, w[p + "adapter_%d.0.weight" % k]), w, p + "adapter_%d.1" % k)
        out = lat + F.interpolate(outs[-1], size=lat.shape[-2:], mode="bilinear", align_corners=False)
        out = F.conv2d(out, w[p + "layer_%d.0.weight" % k], padding=1)
        outs.append(F.relu(group_norm(out, w, p + "layer_%d.1" % k)))
    mask_features = F.conv2d(outs[-1], w[p + "mask_projection.weight"], w[p + "mask_projection.bias"])
    return outs[:levels], mask_features


def mask_predictor(hidden, pixel_embeddings, target_size, w, heads):
    """hidden [Q, B, C] (after the decoder layernorm) -> logits [B, Q, H, W], bool mask [B*heads, Q, h*w]."""
    p = "model.transformer_module.decoder.mask_predictor.mask_embedder."
    x = hidden.transpose(0, 1)
    x = F.relu(linear(x, w, p + "0.0"))
    x = F.relu(linear(x, w, p + "1.0"))
    x = linear(x, w, p + "2.0")
    logits = torch.einsum("bqc,bchw->bqhw", x, pixel_embeddings)
    m = F.interpolate(logits, size=target_size, mode="bilinear", align_corners=False)
    m = m.sigmoid().flatten(2).unsqueeze(1).repeat(1, heads, 1, 1)
    return logits, (m.flatten(0, 1) < 0.5).bool()


def multihead_cross_attention(query, key, value, mask, w, p, heads):
    """nn.MultiheadAttention (batch_first=False) with a bool attn_mask [B*heads, L, S]."""
    L, b, e = query.shape
    s = key.shape[0]
    hd = e // heads
    win, bin_ = w[p + ".in_proj_weight"], w[p + ".in_proj_bias"]
    q = F.linear(query, win[:e], bin_[:e])
    k = F.linear(key, win[e:2 * e], bin_[e:2 * e])
    v = F.linear(value, win[2 * e:], bin_[2 * e:])
    q = q.contiguous().view(L, b * heads, hd).transpose(0, 1) / math.sqrt(hd)
    k = k.contiguous().view(s, b * heads, hd).transpose(0, 1)
    v = v.contiguous().view(s, b * heads, hd).transpose(0, 1)
    scores = torch.bmm(q, k.transpose(1, 2))
    scores = scores.masked_fill(mask, float("-inf"))
    attn = F.softmax(scores, dim=-1)
    out = torch.bmm(attn, v).transpose(0, 1).contiguous().view(L, b, e)
    return linear(out, w, p + ".out_proj")


def self_attention(h, w, p, heads):
    """Mask2FormerAttention with a zero position embedding; h [Q, B, C]."""
    x = h.permute(1, 0, 2)
    b, t, e = x.shape
    hd = e // heads

    def shape(y):
        return y.view(b, -1, heads, hd).transpose(1, 2).contiguous().view(b * heads, -1, hd)

    q = shape(linear(x, w, p + ".q_proj") * hd ** -0.5)
    k = shape(linear(x, w, p + ".k_proj"))
    v = shape(linear(x, w, p + ".v_proj"))
    attn = F.softmax(torch.bmm(q, k.transpose(1, 2)), dim=-1)
    out = torch.bmm(attn, v).view(b, heads, t, hd).transpose(1, 2).reshape(b, t, e)
    return linear(out, w, p + ".out_proj").permute(1, 0, 2)


def transformer_decoder(multi_scale, mask_features, query, w, cfg):
    """One run with queries [Q, hidden] as the decoder's query features, zero query position.

    Returns the mask logits of the initial state and of every layer: list of [1, Q, H, W].
    """
    p = "model.transformer_module."
    hidden_dim = cfg["hidden_dim"]
    heads = cfg["num_attention_heads"]
    levels = 3
    feats, pos, sizes = [], [], []
    for i in range(levels):
        sizes.append(multi_scale[i].shape[-2:])
        pos.append(sine_position_embedding(multi_scale[i], hidden_dim // 2).flatten(2).permute(2, 0, 1))
        feats.append((multi_scale[i].flatten(2) + w[p + "level_embed.weight"][i][None, :, None]).permute(2, 0, 1))
    b = feats[0].shape[1]
    h = query.unsqueeze(1).repeat(1, b, 1)  # [Q, B, C]
    dp = p + "decoder."
    preds = []
    logits, mask = mask_predictor(layer_norm(h, w, dp + "layernorm"), mask_features, sizes[0], w, heads)
    preds.append(logits)
    for idx in range(cfg["decoder_layers"] - 1):
        lvl = idx % levels
        where = (mask.sum(-1) != mask.shape[-1]).to(mask.dtype)
        mask = mask * where.unsqueeze(-1)
        lp = dp + "layers.%d" % idx
        r = h
        a = multihead_cross_attention(h, feats[lvl] + pos[lvl], feats[lvl], mask, w, lp + ".cross_attn", heads)
        h = layer_norm(r + a, w, lp + ".cross_attn_layer_norm")
        r = h
        h = layer_norm(r + self_attention(h, w, lp + ".self_attn", heads), w, lp + ".self_attn_layer_norm")
        r = h
        y = F.relu(linear(h, w, lp + ".fc1"))
        h = layer_norm(r + linear(y, w, lp + ".fc2"), w, lp + ".final_layer_norm")
        logits, mask = mask_predictor(layer_norm(h, w, dp + "layernorm"), mask_features,
                                      sizes[(idx + 1) % levels], w, heads)
        preds.append(logits)
    return preds


def run(cfg, w, pixel_values, queries, always_partition=True, intermediates=None):
    """All outputs of the golden layout, as a dict name -> tensor."""
    bb = cfg["backbone_config"]
    out = {}
    with torch.no_grad():
        maps = swin_backbone(pixel_values, w, bb, always_partition)
        for i, m in enumerate(maps):
            out["backbone_features_%d" % i] = m
        multi, mask_features = pixel_decoder(maps, w, cfg)
        for i, m in enumerate(multi):
            out["pixel_decoder_features_%d" % i] = m
        out["mask_features"] = mask_features
        for t in range(queries.shape[0]):
            preds = transformer_decoder(multi, mask_features, queries[t:t + 1], w, cfg)
            out["q%d_mask_logits" % t] = preds[-1]
            out["q%d_aux_mask_logits" % t] = torch.stack(preds[:-1])
    return out


# ---------------------------------------------------------------------------------------------
# Validation against a golden folder
# ---------------------------------------------------------------------------------------------

def load_dir(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    return cfg, read_safetensors(os.path.join(d, "model.safetensors")), read_safetensors(
        os.path.join(d, "io.safetensors"))


def compare(out, io, atol=2e-4):
    ok = True
    worst = {}
    for name in sorted(out):
        exp = io[name]
        act = out[name]
        rtol = 1e-3 if "mask_logits" in name else 1e-4
        if tuple(exp.shape) != tuple(act.shape):
            print("%-28s SHAPE %s != %s" % (name, tuple(act.shape), tuple(exp.shape)))
            ok = False
            continue
        diff = (act - exp).abs()
        bad = (diff > atol + rtol * exp.abs()).sum().item()
        worst[name] = diff.max().item()
        print("%-28s max abs %.3g  max |x| %.3g  %s" % (name, worst[name], exp.abs().max().item(),
                                                          "ok" if bad == 0 else "FAIL (%d)" % bad))
        ok = ok and bad == 0
    return ok, worst


def validate(d, always_partition=True):
    cfg, w, io = load_dir(d)
    out = run(cfg, w, io["pixel_values"], io["queries"], always_partition)
    ok, _ = compare(out, io)
    print("VALIDATION", "OK" if ok else "FAILED", d)
    return ok


# ---------------------------------------------------------------------------------------------
# Generation of new tiny configurations
# ---------------------------------------------------------------------------------------------

VARIANTS = {
    # depths 2/1/1/1, heads 2/2/4/4, window 4, square 96: stages 24, 12, 6 (padded to 8), 3 (padded to 4)
    "swin-d2111-w4-96": dict(depths=[2, 1, 1, 1], heads=[2, 2, 4, 4], window=4, embed=8, size=(96, 96),
                              hidden=32, ffn=64, enc_ffn=64, dec_layers=3, enc_layers=1, attn_heads=2,
                              mask_size=32, queries=2),
    # non-square 72x136, window 2, embed 8: stages 18x34, 9x17, 5x9, 3x5, odd sides padded by patch
    # merging and by the window
    "swin-d1211-w2-72x136": dict(depths=[1, 2, 1, 1], heads=[1, 2, 2, 4], window=2, embed=8, size=(72, 136),
                                  hidden=32, ffn=48, enc_ffn=32, dec_layers=4, enc_layers=2, attn_heads=4,
                                  mask_size=32, queries=2),
    # window 7, stages 16x14, 8x7, 4x4, 2x2: the small stages are padded up to one window and still
    # shifted (SwinBackbone always partitions); 4 decoder layers cycle the levels 0, 1, 2, 0
    "swin-w7-small-stages": dict(depths=[2, 2, 2, 2], heads=[1, 1, 2, 2], window=7, embed=8, size=(64, 56),
                                  hidden=32, ffn=32, enc_ffn=32, dec_layers=5, enc_layers=1, attn_heads=8,
                                  mask_size=32, queries=3),
    # wider decoder: hidden/feature 64 (GroupNorm of 2 channels), mask features 16, 2 heads, 3 queries;
    # stages 28x32, 14x16, 7x8, 4x4 with window 3
    "m2f-hidden64-q3": dict(depths=[1, 1, 1, 1], heads=[2, 4, 4, 8], window=3, embed=8, size=(112, 128),
                             hidden=64, ffn=64, enc_ffn=64, dec_layers=3, enc_layers=2, attn_heads=2,
                             mask_size=16, queries=3),
}


def make_config(v):
    depths, heads = v["depths"], v["heads"]
    embed = v["embed"]
    hidden_size = embed * 2 ** (len(depths) - 1)
    h, wd = v["size"]
    backbone = {
        "attention_probs_dropout_prob": 0.0, "depths": depths, "drop_path_rate": 0.0, "embed_dim": embed,
        "encoder_stride": 32, "hidden_act": "gelu", "hidden_dropout_prob": 0.0, "hidden_size": hidden_size,
        "image_size": h if h == wd else [h, wd], "initializer_range": 0.02, "layer_norm_eps": 1e-05,
        "mlp_ratio": 4.0, "model_type": "swin", "num_channels": 3, "num_heads": heads,
        "num_layers": len(depths), "out_features": ["stage1", "stage2", "stage3", "stage4"],
        "out_indices": [1, 2, 3, 4], "patch_size": 4, "qkv_bias": True,
        "stage_names": ["stem", "stage1", "stage2", "stage3", "stage4"], "use_absolute_embeddings": False,
        "window_size": v["window"],
    }
    return {
        "activation_function": "relu", "architectures": ["Mask2FormerForUniversalSegmentation"],
        "backbone_config": backbone, "class_weight": 2.0, "common_stride": 4,
        "decoder_layers": v["dec_layers"], "dice_weight": 5.0, "dim_feedforward": v["ffn"], "dropout": 0.0,
        "dtype": "float32", "encoder_feedforward_dim": v["enc_ffn"], "encoder_layers": v["enc_layers"],
        "enforce_input_projection": False, "feature_size": v["hidden"], "feature_strides": [4, 8, 16, 32],
        "hidden_dim": v["hidden"], "id2label": {"0": "LABEL_0"}, "ignore_value": 255,
        "importance_sample_ratio": 0.75, "init_std": 0.02, "init_xavier_std": 1.0, "label2id": {"LABEL_0": 0},
        "mask_feature_size": v["mask_size"], "mask_weight": 5.0, "model_type": "mask2former",
        "no_object_weight": 0.1, "num_attention_heads": v["attn_heads"], "num_queries": 1,
        "output_auxiliary_logits": None, "oversample_ratio": 3.0, "pre_norm": False,
        "train_num_points": 12544, "transformers_version": "5.17.0", "use_auxiliary_loss": True,
    }


def make_weights(cfg, gen):
    """Random weights with the HF key names and the golden's key set, of realistic magnitude."""
    w = {}

    def lin(key, out_f, in_f, bias=True, gain=1.0):
        w[key + ".weight"] = torch.randn(out_f, in_f, generator=gen) * (gain / math.sqrt(in_f))
        if bias:
            w[key + ".bias"] = torch.randn(out_f, generator=gen) * 0.02

    def norm(key, dim):
        w[key + ".weight"] = 1.0 + 0.1 * torch.randn(dim, generator=gen)
        w[key + ".bias"] = 0.05 * torch.randn(dim, generator=gen)

    bb = cfg["backbone_config"]
    e = bb["embed_dim"]
    ws = bb["window_size"]
    p = "model.pixel_level_module.encoder."
    w[p + "embeddings.patch_embeddings.projection.weight"] = torch.randn(e, 3, 4, 4, generator=gen) / math.sqrt(48)
    w[p + "embeddings.patch_embeddings.projection.bias"] = torch.randn(e, generator=gen) * 0.02
    norm(p + "embeddings.norm", e)
    n = len(bb["depths"])
    for s in range(n):
        d = e * 2 ** s
        for i in range(bb["depths"][s]):
            bp = p + "encoder.layers.%d.blocks.%d." % (s, i)
            for k in ("query", "key", "value"):
                lin(bp + "attention.self." + k, d, d)
            w[bp + "attention.self.relative_position_bias_table"] = torch.randn(
                (2 * ws - 1) ** 2, bb["num_heads"][s], generator=gen) * 0.5
            lin(bp + "attention.output.dense", d, d, gain=0.5)
            norm(bp + "layernorm_before", d)
            norm(bp + "layernorm_after", d)
            lin(bp + "intermediate.dense", 4 * d, d)
            lin(bp + "output.dense", d, 4 * d, gain=0.5)
        if s < n - 1:
            norm(p + "encoder.layers.%d.downsample.norm" % s, 4 * d)
            lin(p + "encoder.layers.%d.downsample.reduction" % s, 2 * d, 4 * d, bias=False)
        norm(p + "hidden_states_norms.stage%d" % (s + 1), d)
    norm(p + "swin.layernorm", e * 2 ** (n - 1))

    fs = cfg["feature_size"]
    heads = cfg["num_attention_heads"]
    chans = [e * 2 ** s for s in range(n)]
    p = "model.pixel_level_module.decoder."
    w[p + "adapter_1.0.weight"] = torch.randn(fs, chans[0], 1, 1, generator=gen) / math.sqrt(chans[0])
    norm(p + "adapter_1.1", fs)
    w[p + "layer_1.0.weight"] = torch.randn(fs, fs, 3, 3, generator=gen) / math.sqrt(9 * fs)
    norm(p + "layer_1.1", fs)
    for lvl, c in enumerate(chans[::-1][:3]):
        w[p + "input_projections.%d.0.weight" % lvl] = torch.randn(fs, c, 1, 1, generator=gen) / math.sqrt(c)
        w[p + "input_projections.%d.0.bias" % lvl] = torch.randn(fs, generator=gen) * 0.02
        norm(p + "input_projections.%d.1" % lvl, fs)
    w[p + "level_embed"] = torch.randn(3, fs, generator=gen) * 0.5
    for i in range(cfg["encoder_layers"]):
        lp = p + "encoder.layers.%d." % i
        # offsets of a few pixels around the HF grid init, so that samples fall between pixels and outside
        lin(lp + "self_attn.sampling_offsets", heads * 3 * 4 * 2, fs, gain=0.5)
        w[lp + "self_attn.sampling_offsets.bias"] = torch.randn(heads * 3 * 4 * 2, generator=gen) * 1.5
        lin(lp + "self_attn.attention_weights", heads * 3 * 4, fs)
        lin(lp + "self_attn.value_proj", fs, fs)
        lin(lp + "self_attn.output_proj", fs, fs)
        norm(lp + "self_attn_layer_norm", fs)
        lin(lp + "fc1", cfg["encoder_feedforward_dim"], fs)
        lin(lp + "fc2", fs, cfg["encoder_feedforward_dim"], gain=0.5)
        norm(lp + "final_layer_norm", fs)
    w[p + "mask_projection.weight"] = torch.randn(cfg["mask_feature_size"], fs, 1, 1, generator=gen) / math.sqrt(fs)
    w[p + "mask_projection.bias"] = torch.randn(cfg["mask_feature_size"], generator=gen) * 0.02

    hd = cfg["hidden_dim"]
    p = "model.transformer_module."
    for i in range(cfg["decoder_layers"] - 1):
        lp = p + "decoder.layers.%d." % i
        w[lp + "cross_attn.in_proj_weight"] = torch.randn(3 * hd, hd, generator=gen) / math.sqrt(hd)
        w[lp + "cross_attn.in_proj_bias"] = torch.randn(3 * hd, generator=gen) * 0.02
        lin(lp + "cross_attn.out_proj", hd, hd)
        norm(lp + "cross_attn_layer_norm", hd)
        for k in ("q_proj", "k_proj", "v_proj", "out_proj"):
            lin(lp + "self_attn." + k, hd, hd)
        norm(lp + "self_attn_layer_norm", hd)
        lin(lp + "fc1", cfg["dim_feedforward"], hd)
        lin(lp + "fc2", hd, cfg["dim_feedforward"], gain=0.5)
        norm(lp + "final_layer_norm", hd)
    norm(p + "decoder.layernorm", hd)
    lin(p + "decoder.mask_predictor.mask_embedder.0.0", hd, hd)
    lin(p + "decoder.mask_predictor.mask_embedder.1.0", hd, hd)
    lin(p + "decoder.mask_predictor.mask_embedder.2.0", cfg["mask_feature_size"], hd, gain=2.0)
    w[p + "level_embed.weight"] = torch.randn(3, hd, generator=gen) * 0.5
    w[p + "queries_embedder.weight"] = torch.randn(1, hd, generator=gen) * 0.02
    w[p + "queries_features.weight"] = torch.randn(1, hd, generator=gen) * 0.02
    w["class_predictor.weight"] = torch.randn(2, hd, generator=gen) * 0.02
    w["class_predictor.bias"] = torch.zeros(2)
    w["criterion.empty_weight"] = torch.tensor([1.0, 0.1])
    return {k: v.float().contiguous() for k, v in w.items()}


def io_json(tensors, cfg, v):
    window = cfg["backbone_config"]["window_size"]
    tens = {}
    order = ["pixel_values", "queries"]
    for t in range(v["queries"]):
        order += ["q%d_mask_logits" % t, "q%d_aux_mask_logits" % t]
    order += sorted(k for k in tensors if k.startswith("backbone_features_"))
    order += sorted(k for k in tensors if k.startswith("pixel_decoder_features_"))
    order += ["mask_features"]
    for k in order:
        tens[k] = {"shape": list(tensors[k].shape), "dtype": "float32"}
    dims = [tuple(tensors["backbone_features_%d" % i].shape[2:]) for i in range(4)]
    notes = {
        "queries": "%d projected [SEG] vectors; each is run alone as the single decoder query with a zero "
                   "query position embedding" % v["queries"],
        "qI_mask_logits": "final mask logits [1, 1, H/4, W/4] for query I",
        "qI_aux_mask_logits": "mask logits of the initial state and of every decoder layer but the last, "
                              "stacked (deep supervision)",
        "backbone_features_i": "Swin stage i output after its layer norm, NCHW (strides 4, 8, 16, 32); "
                               "stage sizes %s, window %d; SwinBackbone always partitions (no window shrink, "
                               "shift kept), padding to a multiple of the window"
                               % (", ".join("%dx%d" % d for d in dims), window),
        "pixel_decoder_features_i": "multi-scale outputs of the MSDeformAttn pixel decoder, coarsest first",
        "mask_features": "per-pixel embeddings at stride 4",
        "variant": v["name"] + ": made by tools/reference/mask2former_reference.py (a transcription of the HF "
                   "forward, validated on testdata/goldens/mask2former), seed %d" % v["seed"],
        "tolerance": "max abs diff 2e-4 (1e-3 relative on mask logits)",
    }
    return {"tensors": tens, "notes": notes}


def generate(root, names=None, seed=1234):
    for k, (name, v) in enumerate(sorted(VARIANTS.items())):
        if names and name not in names:
            continue
        v = dict(v, name=name, seed=seed + k)
        gen = torch.Generator().manual_seed(v["seed"])
        cfg = make_config(v)
        w = make_weights(cfg, gen)
        h, wd = v["size"]
        pixel_values = torch.randn(1, 3, h, wd, generator=gen)
        queries = torch.randn(v["queries"], cfg["hidden_dim"], generator=gen)
        out = run(cfg, w, pixel_values, queries)
        tensors = dict(out, pixel_values=pixel_values, queries=queries)
        d = os.path.join(root, name, "mask2former")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f, indent=2)
        write_safetensors(os.path.join(d, "model.safetensors"), w, {"format": "pt"})
        write_safetensors(os.path.join(d, "io.safetensors"), tensors)
        with open(os.path.join(d, "io.json"), "w") as f:
            json.dump(io_json(tensors, cfg, v), f, indent=1)
        stats = ", ".join("%s %.3g" % (n, tensors[n].abs().max().item())
                          for n in sorted(tensors) if "mask_logits" in n and "aux" not in n)
        fracs = ", ".join("%.2f" % (tensors["q%d_mask_logits" % t] > 0).float().mean().item()
                          for t in range(v["queries"]))
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        print("%s: %d bytes; max |logits| %s; positive fraction %s" % (name, size, stats, fracs))
        # the files read back give the same numbers
        cfg2, w2, io2 = load_dir(d)
        ok, _ = compare(run(cfg2, w2, io2["pixel_values"], io2["queries"]), io2)
        if not ok:
            raise SystemExit("re-run of %s does not match its own dump" % d)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("validate", help="reproduce a golden folder's outputs")
    a.add_argument("dir")
    a.add_argument("--shrink-windows", action="store_true",
                   help="diagnostic: use SwinLayer.set_shift_and_window_size (SwinBackbone does not)")
    g = sub.add_parser("generate", help="write the variants under ROOT/<variant>/mask2former")
    g.add_argument("root")
    g.add_argument("--only", nargs="*")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    if args.cmd == "validate":
        return 0 if validate(args.dir, not args.shrink_windows) else 1
    generate(args.root, args.only)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
