"""Makes the JPEG fixtures for Tests/IO/JPEG*Tests.swift. Run by hand, never by
the build or tests:  python3 make_fixtures.py  (needs Pillow, NumPy and
ImageMagick's `convert`).

Each NAME.jpg is written by one of two independent encoders (Pillow's
libjpeg-turbo, or ImageMagick), or, for what neither will write, by
libjpeg-turbo's cjpeg (apt-get install libjpeg-turbo-progs); NAME.npy is Pillow's decode of it, made upright
with ImageOps.exif_transpose, as float64 (1, C, H, W) = uint8 / 255, which is
what refvis's JPEG.decode is compared against.
"""
import os
import subprocess

import numpy as np
from PIL import Image, ImageOps

HERE = os.path.dirname(os.path.abspath(__file__))
CONVERT = "/usr/bin/convert"
CJPEG = "/usr/bin/cjpeg"


def source(width=37, height=23, seed=12):
    """Smooth gradients, hard edges and a little noise: every stage has work."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    r = 255 * x / (width - 1)
    g = 255 * (0.5 + 0.5 * np.sin(x / 3.0 + y / 5.0))
    b = np.where((x // 6 + y // 5) % 2 == 0, 230.0, 30.0)
    rgb = np.stack([r, g, b], axis=-1) + rng.normal(0, 12, (height, width, 3))
    return Image.fromarray(np.clip(rgb, 0, 255).round().astype(np.uint8), "RGB")


def exif_with_orientation(value, endian="<"):
    exif = Image.Exif()
    exif.endian = endian  # "<" writes a little-endian (II) TIFF block, ">" a big-endian (MM) one
    exif[0x0112] = value
    return exif.tobytes()


def pillow(name, image, **options):
    image.save(os.path.join(HERE, name + ".jpg"), "JPEG", **options)


def magick(name, image, *arguments):
    temporary = os.path.join(HERE, name + ".source.png")
    image.save(temporary)
    subprocess.run([CONVERT, temporary, *arguments, os.path.join(HERE, name + ".jpg")], check=True)
    os.remove(temporary)


def cjpeg(name, image, *arguments, folder=HERE):
    temporary = os.path.join(HERE, name + ".source.ppm")
    image.save(temporary)
    subprocess.run([CJPEG, *arguments, "-outfile", os.path.join(folder, name + ".jpg"), temporary], check=True)
    os.remove(temporary)


def expected(name):
    with Image.open(os.path.join(HERE, name + ".jpg")) as image:
        image = ImageOps.exif_transpose(image)
        array = np.asarray(image)
    if array.ndim == 2:
        array = array[:, :, None]
    tensor = (array.transpose(2, 0, 1)[None].astype(np.float64) / 255.0)
    np.save(os.path.join(HERE, name + ".npy"), tensor)


def main():
    rgb = source()
    grey = rgb.convert("L")
    big = source(67, 45, seed=5)
    pillow("pil_baseline_444", rgb, quality=90, subsampling=0)
    pillow("pil_baseline_422", rgb, quality=85, subsampling=1)
    pillow("pil_baseline_420", rgb, quality=75, subsampling=2)
    pillow("pil_progressive_444", rgb, quality=90, subsampling=0, progressive=True)
    pillow("pil_progressive_420", big, quality=80, subsampling=2, progressive=True)
    pillow("pil_grey", grey, quality=85)
    pillow("pil_grey_progressive", grey, quality=60, progressive=True)
    pillow("pil_restart_420", big, quality=80, subsampling=2, restart_marker_blocks=3)
    pillow("pil_restart_progressive_422", rgb, quality=85, subsampling=1, progressive=True, restart_marker_rows=1)
    pillow("pil_exif_orientation6", rgb, quality=85, exif=exif_with_orientation(6))
    pillow("pil_exif_orientation3", rgb, quality=85, exif=exif_with_orientation(3))
    pillow("pil_exif_orientation5", grey, quality=85, exif=exif_with_orientation(5))
    pillow("pil_exif_orientation2_bigendian", grey, quality=85, exif=exif_with_orientation(2, ">"))
    pillow("pil_exif_orientation4", grey, quality=85, exif=exif_with_orientation(4))
    pillow("pil_exif_orientation7_bigendian", grey, quality=85, exif=exif_with_orientation(7, ">"))
    pillow("pil_exif_orientation8_bigendian", rgb, quality=85, subsampling=1, exif=exif_with_orientation(8, ">"))
    pillow("pil_cmyk", rgb.convert("CMYK"), quality=90)
    pillow("pil_quality100_444", rgb, quality=100, subsampling=0)
    pillow("pil_quality5_420_optimized", big, quality=5, subsampling=2, optimize=True)
    pillow("pil_tiny_420", source(5, 3, seed=1), quality=90, subsampling=2)
    magick("im_baseline_420", rgb, "-quality", "80", "-sampling-factor", "2x2")
    magick("im_baseline_422", big, "-quality", "85", "-sampling-factor", "2x1")
    magick("im_baseline_411", big, "-quality", "85", "-sampling-factor", "4x1")
    magick("im_baseline_440", rgb, "-quality", "85", "-sampling-factor", "1x2")
    magick("im_progressive_420", big, "-quality", "70", "-sampling-factor", "2x2", "-interlace", "JPEG")
    magick("im_progressive_440", rgb, "-quality", "80", "-sampling-factor", "1x2", "-interlace", "JPEG")
    magick("im_cmyk_adobe", rgb, "-quality", "85", "-colorspace", "CMYK")
    magick("im_cmyk_progressive", rgb, "-quality", "85", "-colorspace", "CMYK", "-interlace", "JPEG")
    magick("im_grey_progressive", grey, "-quality", "80", "-interlace", "JPEG")
    # Quality 3 without -baseline needs quantization values above 255: 16-bit
    # tables and an extended sequential (SOF1) frame.
    cjpeg("tj_extended_sof1", rgb, "-quality", "3")
    cjpeg("tj_restart_progressive_420", big, "-quality", "80", "-progressive", "-restart", "1", "-sample", "2x2")
    # Arithmetic coding, which refvis refuses: no .npy, kept apart from the fixtures it must match.
    os.makedirs(os.path.join(HERE, "refused"), exist_ok=True)
    cjpeg("arithmetic", rgb, "-arithmetic", folder=os.path.join(HERE, "refused"))
    for name in sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".jpg")):
        expected(name)


# Pillow's RGB conversion of the CMYK fixture, for ImageFile's CMYK → RGB rule
# (Pillow rounds to 8 bits, so refvis agrees to 1/255).
def make_cmyk_rgb():
    os.makedirs(os.path.join(HERE, "converted"), exist_ok=True)
    image = Image.open(os.path.join(HERE, "im_cmyk_adobe.jpg")).convert("RGB")
    array = np.asarray(image, dtype=np.float64).transpose(2, 0, 1)[None] / 255
    np.save(os.path.join(HERE, "converted", "im_cmyk_adobe_rgb.npy"), array)


if __name__ == "__main__":
    main()
    make_cmyk_rgb()
