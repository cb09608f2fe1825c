"""Checks siglip_ref.py against the shared golden testdata/goldens/siglip_vision (or any dump)."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402
from siglip_ref import SiglipVision  # noqa: E402


def validate(d, atol=1e-4):
    cfg = json.load(open(os.path.join(d, "config.json")))
    io = st.load(os.path.join(d, "io.safetensors"))
    model = SiglipVision(cfg, st.load(os.path.join(d, "model.safetensors")))
    with torch.no_grad():
        out = model.forward(torch.from_numpy(io["pixel_values"]))
    ok = True
    for name in ("hidden_states", "last_hidden_state", "pooler_output"):
        if name in io:
            good, line = st.allclose_report(name, out[name].numpy(), io[name], atol)
            print(line)
            ok &= good
    return ok


if __name__ == "__main__":
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                           "../../testdata/goldens/siglip_vision")
    sys.exit(0 if validate(d) else 1)
