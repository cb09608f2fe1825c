"""Reference image preprocessing with Pillow and numpy.

`siglip(image, n)`: Hugging Face SiglipImageProcessor's path (transcribed from
`transformers/models/siglip/image_processing_siglip.py` and `image_transforms.py`, Apache
License 2.0, Copyright the Hugging Face team): PIL resize to (n, n) with BICUBIC, rescale by
1/255 (in float64, then float32), normalize with mean = std = 0.5; NCHW.
`letterbox(image, n)`: SegEarth-R2's resize of the longest side to n (new size
int(x * scale + 0.5), PIL BILINEAR), pasted top-left on an n x n canvas of 128, then
(x - mean) / std with ImageNet mean/std on the 0..255 scale; NCHW; plus the valid [h, w].

Requires numpy and Pillow. Not part of the product: it makes test inputs.
"""
import numpy as np
from PIL import Image

IMAGENET_MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
IMAGENET_STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)


def siglip(rgb_hwc, n):
    img = Image.fromarray(rgb_hwc, "RGB").resize((n, n), Image.BICUBIC)
    x = (np.asarray(img).astype(np.float64) * (1 / 255)).astype(np.float32)
    x = (x - np.float32(0.5)) / np.float32(0.5)
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None]).astype(np.float32)


def letterbox(rgb_hwc, n):
    h, w = rgb_hwc.shape[:2]
    scale = n / max(h, w)
    nh, nw = int(h * scale + 0.5), int(w * scale + 0.5)
    img = Image.fromarray(rgb_hwc, "RGB").resize((nw, nh), Image.BILINEAR)
    canvas = np.full((n, n, 3), 128, dtype=np.uint8)
    canvas[:nh, :nw] = np.asarray(img)
    x = (canvas.astype(np.float32) - IMAGENET_MEAN) / IMAGENET_STD
    return np.ascontiguousarray(x.transpose(2, 0, 1)[None]).astype(np.float32), np.array([nh, nw], dtype=np.int64)
