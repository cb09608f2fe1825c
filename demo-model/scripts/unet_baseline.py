#!/usr/bin/env python3
"""An independent yardstick for the demo model's mask branch (a cross-check by hand, not part of the product).

A small U-Net (four levels, 16-128 channels, about 0.5 M parameters) trained from scratch on the
training tiles of one cross-validation fold of the Dubai set, then measured on the fold's two
held-out tiles, whole, at the mask branch's resolution (long side 224). Five-class softmax over
building, unpaved land, road, vegetation and water; unlabelled pixels are ignored.

It answers one question: how much of the five classes can a plain convolutional network, with no
pretrained weights and the same 36 training parts, learn to find on tiles it has never seen? The
mask-branch stage (PretrainMaskBranch) reports its held-out IoU with the same folds; the first
number below is computed as the stage computes it (intersections and unions summed over the
held-out parts that show the class on at least 0.5 % of their pixels), the second over every
held-out part.

Requirements: Python 3 with torch (1.13 or newer), numpy and Pillow; no GPU. On Debian 12:
`apt-get install python3-torch python3-numpy python3-pil`, then from the repository root:

    /usr/bin/python3 demo-model/scripts/unet_baseline.py ../shared/data/dubai 1 3000 1

Arguments: DUBAI (images/ and masks_color/ of Tiles 1-6), FOLD (1: Tiles 1-2 held out, 2: 3-4,
3: 5-6), ITERATIONS (batches of 8 crops of 128 x 128), THREADS. Prints one JSON line at the end.

Data: "Semantic segmentation of aerial imagery" by Humans in the Loop / MBRSC, CC0 1.0.
"""
import glob
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

CLASSES = ["building", "unpaved_land", "road", "vegetation", "water"]
COLOURS = {(60, 16, 152): 0, (132, 41, 246): 1, (110, 193, 228): 2, (254, 221, 58): 3, (226, 169, 41): 4}
SIDE = 224
MIN_FRACTION = 0.005
HELD_OUT = {1: (1, 2), 2: (3, 4), 3: (5, 6)}  # fold -> its held-out tiles


def load(dubai):
    """Every part as (tile, RGB uint8 [h, w, 3], labels uint8 [h, w]; 255 unlabelled), long side SIDE."""
    parts = []
    for f in sorted(glob.glob(os.path.join(dubai, "images", "*.jpg"))):
        name = os.path.basename(f)[:-4]
        mask = os.path.join(dubai, "masks_color", name + ".png")
        if not os.path.exists(mask):
            continue
        image = Image.open(f).convert("RGB")
        colours = Image.open(mask).convert("RGB")
        w, h = image.size
        s = SIDE / max(w, h)
        size = (max(1, round(w * s)), max(1, round(h * s)))
        rgb = np.asarray(image.resize(size, Image.BILINEAR), dtype=np.uint8)
        m = np.asarray(colours.resize(size, Image.NEAREST))
        labels = np.full(m.shape[:2], 255, np.uint8)
        for c, k in COLOURS.items():
            labels[(m == np.array(c)).all(-1)] = k
        parts.append((int(name.split("_")[0][4:]), rgb, labels))
    return parts


def block(i, o):
    return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU(),
                         nn.Conv2d(o, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU())


class UNet(nn.Module):
    def __init__(self, c=(16, 32, 64, 128)):
        super().__init__()
        self.down = nn.ModuleList([block(3, c[0]), block(c[0], c[1]), block(c[1], c[2]), block(c[2], c[3])])
        self.up = nn.ModuleList([block(c[3] + c[2], c[2]), block(c[2] + c[1], c[1]), block(c[1] + c[0], c[0])])
        self.out = nn.Conv2d(c[0], len(CLASSES), 1)

    def forward(self, x):
        skips = []
        for i, b in enumerate(self.down):
            x = b(x if i == 0 else F.max_pool2d(x, 2))
            skips.append(x)
        for i, b in enumerate(self.up):
            skip = skips[-2 - i]
            x = F.interpolate(x, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            x = b(torch.cat([x, skip], 1))
        return self.out(x)


def normalise(rgb):
    return torch.tensor((rgb / 255.0 - 0.5) / 0.25, dtype=torch.float32).permute(2, 0, 1)


def view(parts, rng, crop=128):
    """A random crop of a random part: scale x 0.6-1.6, quarter turns, flips, colour jitter."""
    _, rgb, labels = parts[rng.integers(len(parts))]
    h, w = labels.shape
    side = min(int(round(crop / rng.uniform(0.6, 1.6))), h, w)
    y, x = rng.integers(0, h - side + 1), rng.integers(0, w - side + 1)
    a = torch.tensor(rgb[y:y + side, x:x + side].astype(np.float32)).permute(2, 0, 1)[None]
    a = F.interpolate(a, size=(crop, crop), mode="bilinear", align_corners=False)[0].permute(1, 2, 0).numpy()
    l = torch.tensor(labels[y:y + side, x:x + side].astype(np.float32))[None, None]
    l = F.interpolate(l, size=(crop, crop), mode="nearest")[0, 0].numpy().astype(np.uint8)
    k = rng.integers(4)
    a, l = np.rot90(a, k), np.rot90(l, k)
    if rng.random() < 0.5:
        a, l = a[:, ::-1], l[:, ::-1]
    grey = a.mean(-1, keepdims=True)
    a = grey + (a - grey) * rng.uniform(0.6, 1.4)
    a = (a - a.mean()) * rng.uniform(0.7, 1.3) + a.mean()
    a = a * rng.uniform(0.75, 1.25) * rng.uniform(0.9, 1.1, 3)
    return normalise(np.clip(a, 0, 255)), torch.tensor(l.astype(np.int64))


def main():
    if len(sys.argv) != 5:
        print("usage: unet_baseline.py DUBAI FOLD ITERATIONS THREADS", file=sys.stderr)
        sys.exit(2)
    try:
        dubai, fold, iterations, threads = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    except ValueError:
        print("usage: unet_baseline.py DUBAI FOLD ITERATIONS THREADS (FOLD, ITERATIONS, THREADS: integers)",
              file=sys.stderr)
        sys.exit(2)
    if fold not in HELD_OUT or iterations < 100 or threads < 1:
        print("FOLD is 1, 2 or 3, ITERATIONS at least 100, THREADS at least 1", file=sys.stderr)
        sys.exit(2)
    held = HELD_OUT[fold]
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    rng = np.random.default_rng(0)
    parts = load(dubai)
    train = [p for p in parts if p[0] not in held and 1 <= p[0] <= 6]
    test = [p for p in parts if p[0] in held]
    if not train or not test:
        print(f"{dubai}: no images/*.jpg with masks_color/*.png of Tiles 1-6 to train and test on", file=sys.stderr)
        sys.exit(2)
    net = UNet()
    optimiser = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, 2e-3, total_steps=iterations, pct_start=0.05)
    start = time.time()
    for it in range(iterations):
        xs, ys = zip(*[view(train, rng) for _ in range(8)])
        loss = F.cross_entropy(net(torch.stack(xs)), torch.stack(ys), ignore_index=255)
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        schedule.step()
        if it % 500 == 0:
            print(f"step {it} loss {loss.item():.3f} {time.time() - start:.0f} s", file=sys.stderr, flush=True)
    net.eval()
    shown = np.zeros((2, len(CLASSES)))  # intersections, unions over the parts that show the class
    every = np.zeros((2, len(CLASSES)))  # over every part
    with torch.no_grad():
        for _, rgb, labels in test:
            predicted = net(normalise(rgb.astype(np.float32))[None])[0].argmax(0).numpy()
            labelled = labels != 255
            for k in range(len(CLASSES)):
                p, t = (predicted == k) & labelled, labels == k
                i, u = (p & t).sum(), (p | t).sum()
                every[:, k] += (i, u)
                if t.sum() >= MIN_FRACTION * labels.size:
                    shown[:, k] += (i, u)
    iou_shown = shown[0] / np.maximum(shown[1], 1)
    iou_every = every[0] / np.maximum(every[1], 1)
    print(json.dumps({"fold": fold, "held_out_tiles": list(held), "iterations": iterations,
                      "seconds": round(time.time() - start),
                      "iou_parts_showing_class": dict(zip(CLASSES, np.round(iou_shown, 3).tolist())),
                      "mean_parts_showing_class": round(float(iou_shown.mean()), 3),
                      "iou_every_part": dict(zip(CLASSES, np.round(iou_every, 3).tolist())),
                      "mean_every_part": round(float(iou_every.mean()), 3)}))


if __name__ == "__main__":
    main()
