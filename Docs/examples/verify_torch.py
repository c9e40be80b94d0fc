#!/usr/bin/env python3
"""A PyTorch backend for refvis's golden op cases, written the way a PyTorch user would.

For every op case under --golden/ops it reads case.json, loads the input .npy files as
torch tensors (float64 by default, --dtype float32 for single precision), calls the matching
torch function (torch.nn.functional, torch.fft, torch) with the case's attributes, takes the
gradients with autograd from the case's cotangents
(torch.autograd.grad(outputs, inputs, grad_outputs=cotangents)), and writes the outputs and
gradients as .npy under --actual with the golden files' relative paths. Then refvis judges them:

    python3 Docs/examples/verify_torch.py --actual /tmp/torch-backend
    refvis verify --actual /tmp/torch-backend --dtype float64 --only 'ops/*'

refvis stores a complex array as a real one with a trailing dimension of 2 (real, imaginary);
the FFT ops convert with torch.complex(x[..., 0], x[..., 1]) and torch.view_as_real.
The refvis-specific ops (Lucid/Lucent/DeepDream pieces with no torch function) are written
here in a few lines of torch each; ops with no implementation are listed as skipped.

This is an example, not part of refvis's build or tests. Needs PyTorch and NumPy.
"""

import argparse
import fnmatch
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F


# ---------------------------------------------------------------------------
# Attributes
# ---------------------------------------------------------------------------

def pair(value):
    """refvis's one-element list means "the same for every spatial dim", like PyTorch's _pair."""
    if value is None:
        return None
    value = list(value) if isinstance(value, (list, tuple)) else [value]
    return (value[0], value[0]) if len(value) == 1 else tuple(value)


def number(value):
    """JSON numbers, with non-finite values spelled "inf", "-inf", "nan"."""
    if value is None:
        return None
    return float(value) if isinstance(value, str) else value


def complex_in(x):
    return torch.complex(x[..., 0], x[..., 1])


def complex_out(z):
    return torch.view_as_real(z)


def fft_s(attributes):
    return None if attributes.get("s") is None else list(attributes["s"])


# ---------------------------------------------------------------------------
# refvis-specific ops, in a few lines of torch each
# ---------------------------------------------------------------------------

def per_image(x):
    """The per-image reductions treat a rank-4 tensor as a batch, anything else as one image."""
    return x.reshape(x.shape[0], -1) if x.dim() == 4 else x.reshape(1, -1)


def fourier_image(spectrum, a):
    h, w, decay = a["height"], a["width"], float(a["decay_power"])
    lucid_odd = a.get("convention", "lucent") == "lucid" and w % 2 == 1
    wi = w + 1 if lucid_odd else w
    # rfft2d_freqs(h, w) of Lucent and Lucid: w//2 + 1 frequencies, w//2 + 2 for odd w
    fy = torch.fft.fftfreq(h, dtype=torch.float64)[:, None]
    fx = torch.fft.fftfreq(w, dtype=torch.float64)[: w // 2 + 1 + w % 2]
    f = torch.sqrt(fx ** 2 + fy ** 2)
    scale = (1.0 / torch.clamp(f, min=1.0 / max(h, w)) ** decay).to(spectrum.dtype)
    z = complex_in(spectrum) * scale
    if lucid_odd:
        # Lucid: tf.irfft2d to width w + 1 (1/(h(w+1))) with the scale times sqrt(w h), then crop;
        # this is not norm="ortho" of the h x (w+1) transform: it differs by sqrt(w / (w + 1)).
        image = torch.fft.irfftn(z * math.sqrt(w * h), s=(h, wi), dim=(-2, -1), norm="backward")
    else:
        image = torch.fft.irfftn(z, s=(h, w), dim=(-2, -1), norm="ortho")
    return image[..., :h, :w] / 4


def color_decorrelate(x, matrix):
    return torch.einsum("kc,nc...->nk...", matrix, x)


def resize_bilinear_nd(x, shape):
    """TF1 legacy resize_bilinear (align_corners=False, half_pixel_centers=False) on every axis."""
    for axis, m in enumerate(shape):
        n = x.shape[axis]
        if n == m:
            continue
        src = torch.arange(m, dtype=torch.float64) * (n / m)
        lo = torch.floor(src).long().clamp(max=n - 1)
        hi = (lo + 1).clamp(max=n - 1)
        frac = (src - lo.to(torch.float64)).to(x.dtype)
        view = [1] * x.dim()
        view[axis] = m
        frac = frac.reshape(view)
        x = x.index_select(axis, lo) * (1 - frac) + x.index_select(axis, hi) * frac
    return x


def symmetric_shift(x, offset):
    offset = list(offset) * x.dim() if len(offset) == 1 else list(offset)
    for axis, p in enumerate(offset):
        if p:
            n = x.shape[axis]
            x = torch.cat([x.narrow(axis, 0, p).flip(axis), x], dim=axis).narrow(axis, 0, n)
    return x


def as_nchw(x):
    return (x[None], True) if x.dim() == 3 else (x, False)


def lucid_blur(x, k):
    x4, unbatched = as_nchw(x)
    c = x4.shape[1]
    kernel = torch.full((k, k), 0.5, dtype=x.dtype)
    kernel[1:-1, 1:-1] = 1.0
    kernel = kernel.expand(c, 1, k, k)
    blur = lambda t: F.conv2d(t, kernel, padding=k // 2, groups=c)
    y = blur(x4) / blur(torch.ones_like(x4))
    return y[0] if unbatched else y


def binomial_kernel(c, dtype):
    k = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0], dtype=torch.float64)
    k = torch.outer(k, k)
    return (k / k.sum()).to(dtype).expand(c, 1, 5, 5)


def same_pads(n):
    """TF's SAME padding of a stride-2 5-tap filter: (before, after)."""
    out = -(-n // 2)
    total = max((out - 1) * 2 + 5 - n, 0)
    return total // 2, total - total // 2


def lap_split(img):
    c, (h, w) = img.shape[1], img.shape[2:]
    k = binomial_kernel(c, img.dtype)
    (t, b), (l, r) = same_pads(h), same_pads(w)
    lo = F.conv2d(F.pad(img, [l, r, t, b]), k, stride=2, groups=c)
    lo2 = F.conv_transpose2d(lo, k * 4, stride=2, groups=c)[..., t:t + h, l:l + w]
    return lo, img - lo2


def lap_upsample(img, size):
    c, (h, w) = img.shape[1], size
    (t, _), (l, _) = same_pads(h), same_pads(w)
    full = F.conv_transpose2d(img, binomial_kernel(c, img.dtype) * 4, stride=2, groups=c)
    full = F.pad(full, [0, max(0, l + w - full.shape[-1]), 0, max(0, t + h - full.shape[-2])])
    return full[..., t:t + h, l:l + w]


def lap_split_n(img, n):
    bands = []
    for _ in range(n):
        img, hi = lap_split(img)
        bands.append(hi)
    bands.append(img)
    return bands[::-1]


def lap_merge(bands):
    img = bands[0]
    for hi in bands[1:]:
        img = lap_upsample(img, hi.shape[-2:]) + hi
    return img


def band_sizes(h, w, levels):
    sizes = [(h, w)]
    for _ in range(levels):
        h, w = -(-h // 2), -(-w // 2)
        sizes.append((h, w))
    return sizes[::-1]


def laplacian_pyramid_build(x, levels):
    x4, unbatched = as_nchw(x)
    bands = lap_split_n(x4, levels)
    y = torch.cat([b.reshape(b.shape[0], b.shape[1], -1) for b in bands], dim=-1)
    return y[0] if unbatched else y


def laplacian_pyramid_merge(x, levels, size):
    x3 = x[None] if x.dim() == 2 else x
    bands, start = [], 0
    for h, w in band_sizes(size[0], size[1], levels):
        bands.append(x3[..., start:start + h * w].reshape(x3.shape[0], x3.shape[1], h, w))
        start += h * w
    y = lap_merge(bands)
    return y[0] if x.dim() == 2 else y


def laplacian_pyramid_normalize(x, levels, eps):
    x4, unbatched = as_nchw(x)
    bands = lap_split_n(x4, levels)
    bands = [b / torch.clamp(b.square().mean(dim=(1, 2, 3), keepdim=True).sqrt(), min=eps) for b in bands]
    y = lap_merge(bands)
    return y[0] if unbatched else y


def per_image_divide(x, denominator):
    flat = per_image(x)
    return (flat / denominator(flat)).reshape(x.shape)


def total_variation(x, kind, reduction):
    dh = x[..., 1:, :] - x[..., :-1, :]
    dw = x[..., :, 1:] - x[..., :, :-1]
    phi = torch.abs if kind == "l1" else torch.square
    dims = (-3, -2, -1)
    th, tw = phi(dh).sum(dim=dims), phi(dw).sum(dim=dims)
    if reduction == "mean":
        th = th / max(dh[0].numel() if x.dim() == 4 else dh.numel(), 1)
        tw = tw / max(dw[0].numel() if x.dim() == 4 else dw.numel(), 1)
    return th + tw


def gram_matrix(x, normalize):
    c, h, w = x.shape[-3:]
    f = x.reshape(*x.shape[:-2], h * w)
    g = f @ f.transpose(-1, -2)
    return g / {"chw": c * h * w, "hw": h * w, "none": 1}[normalize]


def normalize_image(x, mean, std):
    c = x.shape[-3]
    mean = torch.tensor(mean * c if len(mean) == 1 else mean, dtype=x.dtype)[:, None, None]
    std = torch.tensor(std * c if len(std) == 1 else std, dtype=x.dtype)[:, None, None]
    return (x - mean) / std


def gaussian_blur(x, kernel_size, sigma):
    """torchvision.transforms.functional.gaussian_blur (kernel_size and sigma are (x, y))."""
    kx, ky = pair(kernel_size)
    if sigma is None:
        sx, sy = (0.3 * ((k - 1) * 0.5 - 1) + 0.8 for k in (kx, ky))
    else:
        sx, sy = pair(sigma)

    def kernel1d(k, s):
        t = torch.linspace(-(k - 1) * 0.5, (k - 1) * 0.5, k, dtype=torch.float64)
        pdf = torch.exp(-0.5 * (t / s) ** 2)
        return pdf / pdf.sum()
    x4, unbatched = as_nchw(x)
    c = x4.shape[1]
    kernel = torch.outer(kernel1d(ky, sy), kernel1d(kx, sx)).to(x.dtype).expand(c, 1, ky, kx)
    y = F.conv2d(F.pad(x4, [kx // 2, kx // 2, ky // 2, ky // 2], mode="reflect"), kernel, groups=c)
    return y[0] if unbatched else y


# ---------------------------------------------------------------------------
# The op table: op name -> f(list of input tensors, attributes) -> output tensor
# ---------------------------------------------------------------------------

def reduce(fn):
    def run(t, a):
        dim = a.get("dim")  # None or [] reduce every dimension, as in torch
        return fn(t[0], dim=None if dim is None else list(dim), keepdim=a.get("keepdim", False))
    return run


OPS = {
    # pointwise
    "abs": lambda t, a: torch.abs(t[0]),
    "exp": lambda t, a: torch.exp(t[0]),
    "log": lambda t, a: torch.log(t[0]),
    "neg": lambda t, a: torch.neg(t[0]),
    "relu": lambda t, a: F.relu(t[0]),
    "sigmoid": lambda t, a: torch.sigmoid(t[0]),
    "tanh": lambda t, a: torch.tanh(t[0]),
    "sqrt": lambda t, a: torch.sqrt(t[0]),
    "square": lambda t, a: torch.square(t[0]),
    "clamp": lambda t, a: torch.clamp(t[0], min=number(a.get("min")), max=number(a.get("max"))),
    "add": lambda t, a: torch.add(t[0], t[1], alpha=number(a.get("alpha", 1))),
    "sub": lambda t, a: torch.sub(t[0], t[1], alpha=number(a.get("alpha", 1))),
    "mul": lambda t, a: torch.mul(t[0], t[1]),
    "div": lambda t, a: torch.div(t[0], t[1]),
    # reductions, linear algebra
    "sum": reduce(torch.sum),
    "mean": reduce(torch.mean),
    "softmax": lambda t, a: F.softmax(t[0], dim=a["dim"]),
    "log_softmax": lambda t, a: F.log_softmax(t[0], dim=a["dim"]),
    "matmul": lambda t, a: torch.matmul(t[0], t[1]),
    "linear": lambda t, a: F.linear(t[0], t[1], t[2] if len(t) > 2 else None),
    "cosine_similarity": lambda t, a: F.cosine_similarity(t[0], t[1], dim=a["dim"], eps=number(a["eps"])),
    # convolution, pooling, normalization
    "conv2d": lambda t, a: F.conv2d(t[0], t[1], t[2] if len(t) > 2 else None, stride=pair(a["stride"]),
                                    padding=pair(a["padding"]), dilation=pair(a["dilation"]), groups=a["groups"]),
    "max_pool2d": lambda t, a: F.max_pool2d(t[0], pair(a["kernel_size"]), stride=pair(a["stride"]),
                                            padding=pair(a["padding"]), dilation=pair(a["dilation"]),
                                            ceil_mode=a["ceil_mode"]),
    "avg_pool2d": lambda t, a: F.avg_pool2d(t[0], pair(a["kernel_size"]), stride=pair(a["stride"]),
                                            padding=pair(a["padding"]), ceil_mode=a["ceil_mode"],
                                            count_include_pad=a["count_include_pad"],
                                            divisor_override=a["divisor_override"]),
    "adaptive_avg_pool2d": lambda t, a: F.adaptive_avg_pool2d(t[0], pair(a["output_size"])),
    "local_response_norm": lambda t, a: F.local_response_norm(t[0], a["size"], alpha=number(a["alpha"]),
                                                              beta=number(a["beta"]), k=number(a["k"])),
    # resampling
    "pad": lambda t, a: F.pad(t[0], list(a["pad"]), mode=a["mode"], value=number(a["value"])),
    "grid_sample": lambda t, a: F.grid_sample(t[0], t[1], mode=a["mode"], padding_mode=a["padding_mode"],
                                              align_corners=a["align_corners"]),
    "affine_grid": lambda t, a: F.affine_grid(t[0], list(a["size"]), align_corners=a["align_corners"]),
    "interpolate": lambda t, a: F.interpolate(t[0], size=pair(a["size"]), scale_factor=pair(a["scale_factor"]),
                                              mode=a["mode"], align_corners=a["align_corners"],
                                              recompute_scale_factor=a["recompute_scale_factor"]),
    # Fourier transforms: complex = trailing dimension of 2
    "fft2": lambda t, a: complex_out(torch.fft.fft2(complex_in(t[0]), s=fft_s(a), norm=a["norm"])),
    "ifft2": lambda t, a: complex_out(torch.fft.ifft2(complex_in(t[0]), s=fft_s(a), norm=a["norm"])),
    "rfft2": lambda t, a: complex_out(torch.fft.rfft2(t[0], s=fft_s(a), norm=a["norm"])),
    "irfft2": lambda t, a: torch.fft.irfft2(complex_in(t[0]), s=fft_s(a), norm=a["norm"]),
    # shapes
    "cat": lambda t, a: torch.cat(t, dim=a["dim"]),
    "narrow": lambda t, a: torch.narrow(t[0], a["dim"], a["start"], a["length"]),
    "permute": lambda t, a: torch.permute(t[0], list(a["dims"])),
    "reshape": lambda t, a: torch.reshape(t[0], list(a["shape"])),
    "roll": lambda t, a: torch.roll(t[0], list(a["shifts"]), dims=None if a["dims"] is None else list(a["dims"])),
    # refvis-specific (Lucid, Lucent, DeepDream, neural-style, torchvision) in torch
    "fourier_image": lambda t, a: fourier_image(t[0], a),
    "color_decorrelate": lambda t, a: color_decorrelate(t[0], t[1]),
    "resize_bilinear_nd": lambda t, a: resize_bilinear_nd(t[0], a["shape"]),
    "symmetric_shift": lambda t, a: symmetric_shift(t[0], a["offset"]),
    "lucid_blur": lambda t, a: lucid_blur(t[0], a["kernel_size"]),
    "laplacian_pyramid_build": lambda t, a: laplacian_pyramid_build(t[0], a["levels"]),
    "laplacian_pyramid_merge": lambda t, a: laplacian_pyramid_merge(t[0], a["levels"], a["output_size"]),
    "laplacian_pyramid_normalize": lambda t, a: laplacian_pyramid_normalize(t[0], a["levels"], number(a["epsilon"])),
    "l2_normalize": lambda t, a: per_image_divide(
        t[0], lambda f: torch.clamp(f.square().sum(1, keepdim=True), min=number(a["epsilon"])).sqrt()),
    "std_normalize": lambda t, a: per_image_divide(
        t[0], lambda f: torch.std(f, dim=1, correction=a["correction"], keepdim=True) + number(a["epsilon"])),
    "mean_abs_normalize": lambda t, a: per_image_divide(
        t[0], lambda f: f.abs().mean(1, keepdim=True) + number(a["epsilon"])),
    "total_variation": lambda t, a: total_variation(t[0], a["kind"], a["reduction"]),
    "l1_penalty": lambda t, a: torch.sum(torch.abs(t[0] - number(a["constant"]))),
    "l2_penalty": lambda t, a: torch.sqrt(number(a["epsilon"]) + torch.sum((t[0] - number(a["constant"])) ** 2)),
    "gram_matrix": lambda t, a: gram_matrix(t[0], a["normalize"]),
    "normalize_image": lambda t, a: normalize_image(t[0], list(a["mean"]), list(a["std"])),
    "gaussian_blur": lambda t, a: gaussian_blur(t[0], a["kernel_size"], a["sigma"]),
}


# ---------------------------------------------------------------------------
# Running the cases
# ---------------------------------------------------------------------------

def read_case(folder):
    with open(os.path.join(folder, "case.json"), encoding="utf-8") as f:
        case = json.load(f)
    if case.get("format") != "refvis-golden/1":
        raise ValueError(f"{folder}: unsupported format {case.get('format')!r}")
    return case


def load(folder, entry, dtype):
    array = np.load(os.path.join(folder, entry["file"]))
    if list(array.shape) != entry["shape"]:
        raise ValueError(f"{entry['file']}: shape {array.shape}, case.json says {entry['shape']}")
    return torch.from_numpy(array).to(dtype)


def save(folder, entry, tensor, dtype):
    array = tensor.detach().to(dtype).cpu().numpy()
    if list(array.shape) != entry["shape"]:
        raise ValueError(f"{entry['name']}: torch gives shape {list(array.shape)}, golden is {entry['shape']}")
    np.save(os.path.join(folder, entry["file"]), array)  # (np.ascontiguousarray would make a 0-d array 1-d)


def run_case(golden_case, actual_case, case, dtype):
    inputs = [load(golden_case, e, dtype) for e in case["inputs"]]
    wanted = {e["name"][len("gradient_"):] for e in case["gradients"]}
    names = [e["name"][len("input_"):] for e in case["inputs"]]
    for name, tensor in zip(names, inputs):
        tensor.requires_grad_(name in wanted)
    output = OPS[case["op"]](inputs, case["attributes"])
    outputs = [output]  # every op case here has a single output
    if len(case["outputs"]) != 1:
        raise ValueError(f"{len(case['outputs'])} outputs, this backend handles one")
    cotangents = [load(golden_case, e, dtype) for e in case["cotangents"]]
    differentiable = [t for n, t in zip(names, inputs) if n in wanted]
    gradients = torch.autograd.grad(outputs, differentiable, grad_outputs=cotangents,
                                    allow_unused=True) if differentiable else []
    by_name = {n: (g if g is not None else torch.zeros_like(t))
               for n, t, g in zip([n for n in names if n in wanted], differentiable, gradients)}
    os.makedirs(actual_case, exist_ok=True)
    save(actual_case, case["outputs"][0], output, dtype)
    for entry in case["gradients"]:
        save(actual_case, entry, by_name[entry["name"][len("gradient_"):]], dtype)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="A PyTorch backend for refvis's golden op cases.")
    parser.add_argument("--golden", default=os.path.join(here, "..", "..", "Fixtures", "golden"),
                        help="the golden folder (default: the repository's Fixtures/golden)")
    parser.add_argument("--actual", required=True, help="where to write the results")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                        help="the precision to compute in (default float64)")
    parser.add_argument("--only", default="*", help="a glob over case names (default: every op case)")
    arguments = parser.parse_args()
    dtype = torch.float64 if arguments.dtype == "float64" else torch.float32

    ops_folder = os.path.join(arguments.golden, "ops")
    written, failed, skipped = 0, [], {}
    for name in sorted(os.listdir(ops_folder)):
        golden_case = os.path.join(ops_folder, name)
        if name.startswith(".") or not os.path.isdir(golden_case) or not fnmatch.fnmatch(name, arguments.only):
            continue
        try:
            case = read_case(golden_case)
        except (OSError, ValueError) as error:
            print(f"{name}: cannot read case.json: {error}", file=sys.stderr)
            failed.append(name)
            continue
        if case["op"] not in OPS:
            skipped[case["op"]] = skipped.get(case["op"], 0) + 1
            continue
        try:
            run_case(golden_case, os.path.join(arguments.actual, "ops", name), case, dtype)
            written += 1
        except Exception as error:  # an example backend: report the case and go on
            print(f"{name}: {type(error).__name__}: {error}", file=sys.stderr)
            failed.append(name)
    if skipped:
        print("skipped ops (no torch implementation here): "
              + ", ".join(f"{op} ({n})" for op, n in sorted(skipped.items())))
    print(f"wrote {written} cases under {arguments.actual} ({arguments.dtype}); "
          f"skipped {sum(skipped.values())} cases; {len(failed)} failed in torch")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
