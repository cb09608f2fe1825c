"""Checks phi_ref.py against the shared golden testdata/goldens/phi (or any phi dump)."""
import json
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402
from phi_ref import Phi  # noqa: E402


def outputs(d):
    """Recomputes every expected tensor of a phi dump folder with the reference."""
    raw = json.load(open(os.path.join(d, "config.json")))
    weights = st.load(os.path.join(d, "model.safetensors"))
    io = st.load(os.path.join(d, "io.safetensors"))
    acfg = json.load(open(os.path.join(d, "adapter", "adapter_config.json")))
    aw = st.load(os.path.join(d, "adapter", "adapter_model.safetensors"))
    out = {}
    gaps = {}
    with torch.no_grad():
        phi = Phi(raw, weights)
        ids = torch.from_numpy(io["input_ids"])
        r = phi.forward(phi.embed(ids))
        out["logits"] = r["logits"]
        out["last_hidden_state"] = r["last_hidden_state"]
        out["attentions"] = torch.stack(r["attentions"])
        out["hidden_states"] = torch.stack(r["hidden_states"])
        cache = {}
        phi.forward(phi.embed(ids), cache)
        step = torch.from_numpy(io["step_input_id"])
        out["step_logits"] = phi.forward(phi.embed(step), cache)["logits"]
        full = phi.forward(phi.embed(torch.cat([ids, step], 1)))["logits"]
        out["step_logits_full_recompute"] = full[:, -1:]
        prompt = torch.from_numpy(io["prompt_embeds"])
        out["prompt_embeds_logits"] = phi.forward(prompt)["logits"]
        g, gaps["greedy"] = phi.greedy(prompt, io["greedy_ids"].shape[1])
        out["greedy_ids"] = torch.tensor([g], dtype=torch.int64)
        lora = Phi(raw, weights)
        lora.apply_adapter(acfg, aw, merge=False)
        r = lora.forward(lora.embed(ids))
        out["lora_logits"] = r["logits"]
        out["lora_attentions"] = torch.stack(r["attentions"])
        merged = Phi(raw, weights)
        merged.apply_adapter(acfg, aw, merge=True)
        out["lora_merged_logits"] = merged.forward(merged.embed(ids))["logits"]
    return {k: v.numpy() for k, v in out.items()}, gaps


def validate(d, atol=2e-4):
    io = st.load(os.path.join(d, "io.safetensors"))
    out, gaps = outputs(d)
    ok = True
    for name, actual in out.items():
        if actual.dtype == np.int64:
            good = np.array_equal(actual, io[name])
            print("%-28s %s" % (name, "exact OK" if good else "MISMATCH %s vs %s" % (actual, io[name])))
        else:
            good, line = st.allclose_report(name, actual, io[name], atol)
            print(line)
        ok &= good
    print("min greedy top1-top2 gap %.4f" % min(gaps["greedy"]))
    return ok


if __name__ == "__main__":
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../../testdata/goldens/phi")
    sys.exit(0 if validate(d) else 1)
