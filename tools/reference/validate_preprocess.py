"""Checks preprocess_ref.py against the shared golden testdata/goldens/preprocess (or any dump)."""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402
import preprocess_ref  # noqa: E402


def validate(d, atol=1e-5):
    io = st.load(os.path.join(d, "io.safetensors"))
    img = io["image_rgb_hwc"]
    ok = True
    for name in sorted(io):
        m = re.fullmatch(r"(siglip|letterbox)_(\d+)", name)
        if not m:
            continue
        n = int(m.group(2))
        if m.group(1) == "siglip":
            actual = preprocess_ref.siglip(img, n)
        else:
            actual, hw = preprocess_ref.letterbox(img, n)
            if name + "_valid_hw" in io:
                same = np.array_equal(hw, io[name + "_valid_hw"])
                print("%-28s %s" % (name + "_valid_hw", "exact OK" if same else "MISMATCH %s" % hw))
                ok &= same
        good, line = st.allclose_report(name, actual, io[name], atol)
        print(line)
        ok &= good
    return ok


if __name__ == "__main__":
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__),
                                                           "../../testdata/goldens/preprocess")
    sys.exit(0 if validate(d) else 1)
