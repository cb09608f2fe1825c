"""Minimal safetensors reader/writer (numpy only).

Format: 8-byte little-endian header length, a JSON header {name: {dtype, shape, data_offsets}}
(plus optional "__metadata__"), then the raw little-endian tensor bytes.
"""
import json
import struct

import numpy as np

_DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64,
           "I32": np.int32, "U8": np.uint8, "I8": np.int8, "BOOL": np.bool_}
_NAMES = {np.dtype(v).str: k for k, v in _DTYPES.items()}


def load(path):
    """Returns {name: numpy array} (copies, little-endian)."""
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dt = np.dtype(_DTYPES[info["dtype"]]).newbyteorder("<")
        out[name] = np.frombuffer(data[start:end], dtype=dt).reshape(info["shape"]).copy()
    return out


def save(tensors, path, metadata=None):
    """Writes {name: numpy array} like safetensors' save_file (names sorted, header padded to 8)."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        a = a.astype(a.dtype.newbyteorder("<"), copy=False)
        key = _NAMES[np.dtype(a.dtype.type).str if a.dtype.itemsize > 1 else np.dtype(a.dtype).str]
        raw = a.tobytes()
        header[name] = {"dtype": key, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata is None:
        metadata = {"format": "pt"}
    header = {"__metadata__": metadata, **header}
    hb = json.dumps(header, separators=(",", ":")).encode()
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for b in blobs:
            f.write(b)


def write_io_json(path, tensors, notes):
    """io.json as in the shared dumps: shape and dtype of every tensor, then the notes."""
    names = {np.float32: "float32", np.int64: "int64", np.uint8: "uint8"}
    doc = {"tensors": {k: {"shape": list(v.shape), "dtype": names[v.dtype.type]} for k, v in tensors.items()},
           "notes": notes}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)


def max_abs_diff(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("shape %s vs %s" % (a.shape, b.shape))
    return float(np.abs(a - b).max()) if a.size else 0.0


def allclose_report(name, actual, expected, atol, rtol=1e-4):
    """numpy.allclose semantics; returns (ok, line)."""
    a = np.asarray(actual, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        return False, "%-28s SHAPE %s vs %s" % (name, a.shape, e.shape)
    d = np.abs(a - e)
    ok = bool(np.all(d <= atol + rtol * np.abs(e)))
    return ok, "%-28s max_abs_diff %.3g (atol %g, rtol %g) %s" % (name, d.max() if d.size else 0, atol, rtol,
                                                              "OK" if ok else "FAIL")
