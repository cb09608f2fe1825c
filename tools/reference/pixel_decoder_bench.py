#!/usr/bin/env python3
"""The Mask2Former pixel decoder of ``mask2former_reference.py`` (the PyTorch transcription) on the
weights and inputs that ``org.segearth.bench.PixelDecoderBench`` saves, timed the same way, and
compared with the Java output when the folder holds it.

  python3 tools/reference/pixel_decoder_bench.py DIR [--runs 3] [--threads 2] [--plain]

DIR holds ``pixel_decoder.safetensors``, ``inputs.safetensors`` and (after a Java run)
``java_out.safetensors``. Float32 linears run through oneDNN (``torch._C._nn.mkldnn_linear`` with the
weights converted ``to_mkldnn()`` once), as the real-size anchor does: Debian's torch 1.13 links a
reference BLAS whose ``F.linear`` is several times slower than libtorch's MKL path that the Java side
uses. ``--plain`` keeps the stock ``F.linear``. Convolutions are torch's own (oneDNN already).
Writes ``python_report.json``.
"""

import json
import os
import resource
import statistics
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mask2former_reference as m2f  # noqa: E402

_plain_linear = F.linear


def _onednn_linear(x, w, b=None):
    if w.is_mkldnn:
        lead = x.shape[:-1]
        y = torch._C._nn.mkldnn_linear(x.reshape(-1, x.shape[-1]).contiguous().to_mkldnn(), w, b)
        return y.to_dense().view(*lead, -1)
    return _plain_linear(x, w, b)


def load_weights(path, onednn):
    w = m2f.read_safetensors(path)
    if onednn:
        for k in list(w):
            if w[k].dim() == 2 and k.endswith(".weight") and "level_embed" not in k:
                w[k] = w[k].to_mkldnn()
                bias = k[:-len("weight")] + "bias"
                if bias in w:
                    w[bias] = w[bias].to_mkldnn()
    return w


def peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def main(argv):
    d = argv[0]
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    threads = int(argv[argv.index("--threads") + 1]) if "--threads" in argv else 2
    onednn = "--plain" not in argv
    torch.set_num_threads(threads)
    if onednn:
        F.linear = _onednn_linear
    w = load_weights(os.path.join(d, "pixel_decoder.safetensors"), onednn)
    inputs = m2f.read_safetensors(os.path.join(d, "inputs.safetensors"))
    features = [inputs["features.%d" % i] for i in range(4)]
    cfg = {"feature_size": 256, "encoder_layers": 6, "num_attention_heads": 8,
           "feature_strides": [4, 8, 16, 32], "common_stride": 4}
    loaded = peak_rss()
    seconds = []
    with torch.no_grad():
        for r in range(runs + 1):
            t = time.perf_counter()
            multi, mask_features = m2f.pixel_decoder(features, w, cfg)
            seconds.append(time.perf_counter() - t)
            print("%s %.3f s, peak RSS %.2f GB" % ("warm-up" if r == 0 else "run %d" % r, seconds[-1], peak_rss() / 1e9),
                  flush=True)
    timed = sorted(seconds[1:])
    report = {"torch": torch.__version__, "threads": torch.get_num_threads(), "onednn_linears": onednn,
              "runs": runs, "seconds": seconds, "best": timed[0], "median": statistics.median(timed),
              "peak_rss": peak_rss(), "rss_loaded": loaded, "load_average": os.getloadavg()}
    print("pixel decoder (PyTorch %s, %d threads, linears %s): best %.3f s, median %.3f s, peak RSS %.2f GB"
          % (torch.__version__, report["threads"], "oneDNN" if onednn else "stock", timed[0], report["median"],
             report["peak_rss"] / 1e9))
    java = os.path.join(d, "java_out.safetensors")
    if os.path.exists(java):
        j = m2f.read_safetensors(java)
        ours = {"multi_scale.%d" % i: m for i, m in enumerate(multi)}
        ours["mask_features"] = mask_features
        diffs = {}
        for k, v in ours.items():
            diffs[k] = {"max_abs_diff": (v - j[k]).abs().max().item(), "max_abs": v.abs().max().item()}
            print("%s %s: max |java - pytorch| %.3g (max |pytorch| %.3g)" % (k, tuple(v.shape), diffs[k]["max_abs_diff"],
                                                                          diffs[k]["max_abs"]))
        report["parity"] = diffs
    with open(os.path.join(d, "python_report.json"), "w") as f:
        json.dump(report, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1:])
