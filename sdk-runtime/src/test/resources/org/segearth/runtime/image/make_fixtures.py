# Makes the Pillow-made decoder fixtures and, for every fixture, <name>.rgb: Pillow's
# Image.open(name).convert("RGB").tobytes(), the reference ImageDecoderFixturesTest compares with.
# Run with Pillow (made with 9.4.0, libjpeg-turbo 6.2) in this folder:  python3 make_fixtures.py
# ycck.jpg, rgb16.png, rgba16.png and la16.png are written by the JDK (see README.md) before this runs.
import io
from PIL import Image

W, H = 24, 16


def pattern(mode, f):
    im = Image.new(mode, (W, H))
    im.putdata([f(x, y) for y in range(H) for x in range(W)])
    return im


cmyk = pattern("CMYK", lambda x, y: ((x * 10) % 256, (y * 15) % 256, ((x + y) * 7) % 256, (x * y) % 90))
cmyk.save("cmyk.jpg", quality=95)  # Adobe APP14, transform 0, inverted samples
cmyk.save("cmyk.tif")  # uncompressed, PhotometricInterpretation 5, plain samples


def without_app14(jpeg):
    """The JPEG without its Adobe APP14 segment (Pillow still reads it as inverted CMYK)."""
    out, i = bytearray(jpeg[:2]), 2
    while jpeg[i + 1] != 0xDA:
        length = (jpeg[i + 2] << 8) | jpeg[i + 3]
        if jpeg[i + 1] != 0xEE:
            out += jpeg[i:i + 2 + length]
        i += 2 + length
    return bytes(out + jpeg[i:])


with open("cmyk.jpg", "rb") as f:
    stripped = without_app14(f.read())
with open("cmyk-noadobe.jpg", "wb") as f:
    f.write(stripped)
rgba = pattern("RGBA", lambda x, y: (x * 10, y * 15, (x * y) % 256, (x * 37 + y * 11) % 256))
rgba.save("rgba.png")
la = pattern("LA", lambda x, y: ((x * 9 + y * 5) % 256, (x * 23) % 256))
la.save("la.png")
pal = pattern("P", lambda x, y: (x + y * 3) % 7)
pal.putpalette([v for i in range(7) for v in (i * 36, 255 - i * 30, (i * 91) % 256)])
pal.save("palette.png", transparency=2)
trns = pattern("RGB", lambda x, y: ((x % 3) * 100, y * 15, 7))
trns.save("rgb-trns.png", transparency=(100, 30, 7))  # one transparent colour (tRNS)
gray2 = pattern("L", lambda x, y: ((x + y) % 4) * 85)
gray2.save("gray2.png", bits=2)
exif = Image.Exif()
exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to view
rgb = pattern("RGB", lambda x, y: (x * 10, 255 - y * 15, 40))
rgb.save("exif6.jpg", quality=95, exif=exif.tobytes())

for name in ["cmyk.jpg", "cmyk-noadobe.jpg", "ycck.jpg", "cmyk.tif", "rgba.png", "la.png", "rgb-trns.png", "palette.png", "gray2.png",
             "rgb16.png", "rgba16.png", "la16.png", "exif6.jpg"]:
    im = Image.open(name)
    out = im.convert("RGB")
    with open(name + ".rgb", "wb") as f:
        f.write(out.tobytes())
    n = out.size[0] * out.size[1]
    means = [sum(out.getdata(band=b)) / n for b in range(3)]
    print(f"{name:12s} {im.mode:5s} {out.size} mean RGB {means[0]:.3f} {means[1]:.3f} {means[2]:.3f}")
