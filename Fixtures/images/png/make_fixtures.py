#!/usr/bin/env python3
"""Regenerates the PNG decoder fixtures: small images written by two
independent encoders, Pillow and ImageMagick, and the pixels each must decode
to, as float64 .npy arrays of shape (1, C, H, W) in [0, 1].

Run by hand from this folder (python3 make_fixtures.py); never by the build or
the tests. Needs numpy, Pillow and ImageMagick's `convert` (found at
$CONVERT or /usr/bin/convert).

The expected pixels are the samples each encoder was asked to write, scaled as
refvis documents: n-bit samples over 2^n - 1, palette entries over 255, tRNS
alphas over 255 (palette) or 0/1 (the grey/RGB transparent colour). Before
saving, every file is decoded back independently and must agree exactly:
by Pillow wherever Pillow keeps the stored values, and always by ImageMagick
(`convert f.png -depth 16 rgba:-`, which rescales n-bit samples to 16 bits by
multiplying by 65535 / (2^n - 1), so comparing in that scale is exact). The
IHDR of each file is checked too, so an encoder that silently chose another
colour type or depth is caught.
"""
import os
import struct
import subprocess
import zlib

import numpy as np
from PIL import Image

W, H = 13, 7
CONVERT = os.environ.get("CONVERT", "/usr/bin/convert")
rng = np.random.default_rng(20261203)
filters_seen = set()


def samples(depth, channels, w=W, h=H, smooth=False):
    """A (h, w, channels) array of n-bit values: a gradient plus noise, both
    extremes present. `smooth` leaves the noise out, so that zlib compresses
    with dynamic Huffman blocks rather than storing the bytes."""
    top = (1 << depth) - 1
    ramp = (np.arange(w)[None, :, None] * 3 + np.arange(h)[:, None, None] * 5 + np.arange(channels) * 7) % (w + h)
    noise = rng.integers(0, top + 1, size=(h, w, channels))
    values = np.where(smooth | (rng.random((h, w, channels)) < 0.5), ramp * top // (w + h - 1), noise)
    values.flat[0], values.flat[-1] = 0, top
    return values.astype(np.int64)


def chunks(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    i, out = 8, []
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        out.append((data[i + 4:i + 8].decode(), data[i + 8:i + 8 + n]))
        i += 12 + n
    return out


def check_ihdr(path, color_type, depth, interlace):
    cs = chunks(path)
    w, h, d, ct, _, _, il = struct.unpack(">IIBBBBB", cs[0][1])
    assert (d, ct, il) == (depth, color_type, interlace), f"{path}: IHDR {d=} {ct=} {il=}"
    if not interlace:  # tally the filter types used, to be sure all five are exercised
        raw = zlib.decompress(b"".join(c[1] for c in cs if c[0] == "IDAT"))
        row = 1 + (w * d * {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[ct] + 7) // 8
        filters_seen.update(raw[y * row] for y in range(h))
    return w, h


def magick_rgba16(path, w, h):
    """ImageMagick's own decoding, as RGBA at 16 bits: (h, w, 4) integers."""
    raw = subprocess.run([CONVERT, path, "-depth", "16", "-endian", "MSB", "rgba:-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, dtype=">u2").reshape(h, w, 4).astype(np.int64)


def save(name, expected):
    """Checks the file against ImageMagick's decoding, then writes name.npy (1, C, H, W)."""
    h, w, c = expected.shape
    decoded = magick_rgba16(name + ".png", w, h) / 65535.0
    colour = expected[..., :3] if c >= 3 else np.repeat(expected[..., :1], 3, axis=2)
    alpha = expected[..., c - 1] if c in (2, 4) else np.ones((h, w))
    assert np.array_equal(np.round(decoded[..., :3] * 65535), np.round(colour * 65535)), name + ": ImageMagick colour"
    assert np.array_equal(np.round(decoded[..., 3] * 65535), np.round(alpha * 65535)), name + ": ImageMagick alpha"
    np.save(name + ".npy", np.ascontiguousarray(expected.transpose(2, 0, 1)[None]).astype(np.float64))


def pillow(name, mode, values, depth, color_type, scale=None, **options):
    """Writes values with Pillow; checks Pillow reads the same samples back where it keeps them."""
    top = (1 << depth) - 1
    stored = values * (scale or 1)
    array = stored[..., 0] if values.shape[2] == 1 else stored
    image = Image.fromarray(array.astype({"I;16": "<u2"}.get(mode, "u1")))
    image = image.convert("1") if mode == "1" else image
    image.save(name + ".png", **options)
    check_ihdr(name + ".png", color_type, depth, 0)
    back = np.asarray(Image.open(name + ".png")).astype(np.int64)
    assert np.array_equal(back.reshape(stored.shape) * (255 if mode == "1" else 1), stored), name + ": Pillow read-back"
    return values / top


def magick(name, values, depth, color_type, interlace=False, alpha=False, grey=False):
    """Writes values (given as 16-bit RGBA) with ImageMagick at the requested colour type and depth."""
    h, w, _ = values.shape
    raw = values.astype(">u2").tobytes()
    args = [CONVERT, "-size", f"{w}x{h}", "-depth", "16", "-endian", "MSB", "rgba:-",
            "-define", "png:exclude-chunks=date,time", "-interlace", "PNG" if interlace else "None"]
    # For a palette ImageMagick picks the depth from the colour count, and with
    # png:color-type=3 it drops the alpha; left alone it writes PLTE + tRNS itself.
    if color_type != 3:
        args += ["-define", f"png:bit-depth={depth}"]
    if not (color_type == 3 and alpha):
        args += ["-define", f"png:color-type={color_type}"]
    if not alpha:
        args += ["-alpha", "off"]
    if grey:
        args += ["-colorspace", "Gray"]
    subprocess.run(args + [name + ".png"], input=raw, check=True)
    check_ihdr(name + ".png", color_type, depth, int(interlace))


def to16(values, depth):
    return values * 65535 // ((1 << depth) - 1)


def magick_grey(name, depth, interlace=False, alpha=False, w=W, h=H, smooth=False):
    v = samples(depth, 2 if alpha else 1, w, h, smooth)
    rgba = np.concatenate([np.repeat(v[..., :1], 3, axis=2), v[..., 1:] if alpha else np.full((h, w, 1), (1 << depth) - 1)], axis=2)
    magick(name, to16(rgba, depth), depth, 4 if alpha else 0, interlace, alpha, grey=True)
    save(name, v / ((1 << depth) - 1))


def magick_rgb(name, depth, interlace=False, alpha=False, w=W, h=H, smooth=False):
    v = samples(depth, 4 if alpha else 3, w, h, smooth)
    rgba = v if alpha else np.concatenate([v, np.full((h, w, 1), (1 << depth) - 1)], axis=2)
    magick(name, to16(rgba, depth), depth, 6 if alpha else 2, interlace, alpha)
    save(name, v / ((1 << depth) - 1))


def magick_palette(name, depth, interlace=False, transparent=False):
    """A colour count ImageMagick 6.9 writes at `depth` bits; it picks the palette order itself."""
    count = {2: 3, 4: 12, 8: 40}[depth]
    palette = rng.integers(0, 256, size=(count, 4))
    palette[:, 3] = rng.choice([64, 160, 255], size=count) if transparent else 255
    palette[0, 3] = 255
    index = rng.integers(0, count, size=(H, W))
    index.flat[:count] = np.arange(count)  # every entry used
    rgba = palette[index]
    magick(name, rgba * 257, depth, 3, interlace, alpha=transparent)
    assert any(c == "tRNS" for c, _ in chunks(name + ".png")) == transparent
    save(name, (rgba if transparent else rgba[..., :3]) / 255.0)


def pillow_palette(name, depth, transparent=False, **options):
    count = 1 << depth
    palette = rng.integers(0, 256, size=(count, 3))
    index = rng.integers(0, count, size=(H, W))
    image = Image.fromarray(index.astype("u1"), "P")
    image.putpalette(palette.astype("u1").flatten().tolist())
    alphas = rng.choice([0, 50, 255], size=count)
    if transparent:
        options["transparency"] = bytes(alphas[:count - 1].astype("u1"))  # the last entry left opaque
    image.save(name + ".png", bits=depth, **options)
    check_ihdr(name + ".png", 3, depth, 0)
    assert np.array_equal(np.asarray(Image.open(name + ".png")), index), name + ": Pillow read-back"
    rgb = palette[index] / 255.0
    if transparent:
        alpha = np.append(alphas[:count - 1], 255)[index] / 255.0
        rgb = np.concatenate([rgb, alpha[..., None]], axis=2)
    save(name, rgb)


def pillow_key(name, mode, channels):
    """8-bit grey or RGB with a tRNS transparent colour: alpha 0 exactly where the key matches."""
    v = samples(8, channels)
    key = tuple(int(x) for x in v[3, 5])
    v[0, :4] = key  # several pixels carry the key
    image = Image.fromarray(v[..., 0].astype("u1") if channels == 1 else v.astype("u1"))
    image.save(name + ".png", transparency=key[0] if channels == 1 else key)
    check_ihdr(name + ".png", 0 if channels == 1 else 2, 8, 0)
    assert any(c == "tRNS" for c, _ in chunks(name + ".png"))
    alpha = (~np.all(v == np.array(key), axis=2)).astype(np.float64)
    save(name, np.concatenate([v / 255.0, alpha[..., None]], axis=2))


def main():
    save_pillow = lambda name, *a, **k: save(name, pillow(name, *a, **k))
    save_pillow("pil_grey1", "1", samples(1, 1), 1, 0, scale=255)
    save_pillow("pil_grey8", "L", samples(8, 1), 8, 0)
    save_pillow("pil_grey8_stored", "L", samples(8, 1), 8, 0, compress_level=0)
    save_pillow("pil_grey16", "I;16", samples(16, 1), 16, 0)
    save_pillow("pil_rgb8", "RGB", samples(8, 3), 8, 2)
    save_pillow("pil_rgb8_fast", "RGB", samples(8, 3), 8, 2, compress_level=1)
    save_pillow("pil_greyalpha8", "LA", samples(8, 2), 8, 4)
    save_pillow("pil_rgba8", "RGBA", samples(8, 4), 8, 6)
    for depth in (1, 2, 4, 8):
        pillow_palette(f"pil_palette{depth}", depth)
    pillow_palette("pil_palette4_trns", 4, transparent=True)
    pillow_palette("pil_palette8_trns", 8, transparent=True)
    save_pillow("pil_rgb8_smooth", "RGB", samples(8, 3, 41, 23, smooth=True), 8, 2)
    pillow_key("pil_grey8_trns", "L", 1)
    pillow_key("pil_rgb8_trns", "RGB", 3)

    for depth in (1, 2, 4, 8, 16):
        magick_grey(f"im_grey{depth}", depth)
    magick_grey("im_grey2_interlaced", 2, interlace=True)
    magick_grey("im_grey16_interlaced", 16, interlace=True)
    for depth in (8, 16):
        magick_rgb(f"im_rgb{depth}", depth)
        magick_rgb(f"im_rgb{depth}_interlaced", depth, interlace=True)
        magick_grey(f"im_greyalpha{depth}", depth, alpha=True)
        magick_rgb(f"im_rgba{depth}", depth, alpha=True)
    magick_grey("im_greyalpha8_interlaced", 8, interlace=True, alpha=True)
    magick_rgb("im_rgba16_interlaced", 16, interlace=True, alpha=True)
    magick_rgb("im_rgba8_smooth", 8, alpha=True, w=41, h=23, smooth=True)
    magick_grey("im_grey16_smooth_interlaced", 16, interlace=True, w=41, h=23, smooth=True)
    magick_rgb("im_rgb8_interlaced_3x2", 8, interlace=True, w=3, h=2)
    magick_grey("im_grey8_interlaced_1x1", 8, interlace=True, w=1, h=1)
    # ImageMagick 6.9 will not write a 1-bit palette (it picks 2 bits); Pillow's pil_palette1 covers it.
    for depth in (2, 4, 8):
        magick_palette(f"im_palette{depth}", depth)
    magick_palette("im_palette2_interlaced", 2, interlace=True)
    magick_palette("im_palette8_trns", 8, transparent=True)
    magick_palette("im_palette4_trns_interlaced", 4, interlace=True, transparent=True)
    assert filters_seen == {0, 1, 2, 3, 4}, f"filter types used: {sorted(filters_seen)}"


if __name__ == "__main__":
    os.chdir(os.path.dirname(os.path.abspath(__file__)))
    main()
