#!/usr/bin/env python3
"""A tiny "backend" written with NumPy only, to show how to check a backend with refvis.

It reads refvis's golden op cases, computes the outputs and the gradients of a
handful of ops with its own NumPy code (forward and backward written by hand),
and writes them as .npy files under --actual with the same relative paths as
the golden files. Then refvis judges them:

    python3 Docs/examples/verify_numpy.py --actual /tmp/numpy-backend --dtype float32
    refvis verify --actual /tmp/numpy-backend --dtype float32 --only 'matmul*'

Ops implemented here: add, sub, mul, matmul, sum, mean, relu, sigmoid, tanh,
exp, conv2d. Cases of other ops are skipped (and would be reported as missing
by `refvis verify` unless --only selects the implemented ones).

This is an example, not part of refvis's build or tests. Needs NumPy.
"""

import argparse
import fnmatch
import json
import os
import sys

import numpy as np


# ---------------------------------------------------------------------------
# Reading a case
# ---------------------------------------------------------------------------

def read_case(folder):
    """case.json of a case folder, checked the way Docs/golden-format.md asks."""
    with open(os.path.join(folder, "case.json"), encoding="utf-8") as f:
        case = json.load(f)
    if case.get("format") != "refvis-golden/1":
        raise ValueError(f"{folder}: unsupported format {case.get('format')!r}")
    return case


def load(folder, entry, dtype):
    """One array of a case, checked against the shape case.json gives, in the backend's dtype."""
    array = np.load(os.path.join(folder, entry["file"]))
    if list(array.shape) != entry["shape"]:
        raise ValueError(f"{entry['file']}: shape {array.shape}, case.json says {entry['shape']}")
    return array.astype(dtype)


# ---------------------------------------------------------------------------
# The ops: forward(inputs, attributes) -> outputs,
#          backward(inputs, outputs, cotangents, attributes) -> gradients
# ---------------------------------------------------------------------------

def unbroadcast(gradient, shape):
    """Sums a broadcast gradient back to `shape` (the inverse of NumPy broadcasting)."""
    while gradient.ndim > len(shape):
        gradient = gradient.sum(axis=0)
    for axis, size in enumerate(shape):
        if size == 1 and gradient.shape[axis] != 1:
            gradient = gradient.sum(axis=axis, keepdims=True)
    return gradient.reshape(shape)


def binary(forward, grad_a, grad_b):
    def run_forward(inputs, attributes):
        return {"output": forward(inputs["input"], inputs["other"], attributes)}

    def run_backward(inputs, outputs, cotangents, attributes):
        a, b, g = inputs["input"], inputs["other"], cotangents["output"]
        return {"input": unbroadcast(grad_a(a, b, g, attributes), a.shape),
                "other": unbroadcast(grad_b(a, b, g, attributes), b.shape)}
    return run_forward, run_backward


def pointwise(forward, derivative):
    """derivative(x, y) is dy/dx elementwise, given the input x and the output y."""
    def run_forward(inputs, attributes):
        return {"output": forward(inputs["input"])}

    def run_backward(inputs, outputs, cotangents, attributes):
        return {"input": cotangents["output"] * derivative(inputs["input"], outputs["output"])}
    return run_forward, run_backward


def reduced_axes(x, attributes):
    """torch.sum/mean's dim: None or [] reduce every dimension; negative dims count from the end."""
    dims = attributes.get("dim")
    if not dims:
        return tuple(range(x.ndim))
    return tuple(sorted(d % max(x.ndim, 1) for d in dims)) if x.ndim else ()


def reduction(mean):
    def run_forward(inputs, attributes):
        x = inputs["input"]
        axes = reduced_axes(x, attributes)
        y = x.sum(axis=axes, keepdims=attributes.get("keepdim", False)) if axes else x.copy()
        if mean and axes:
            y = y / np.prod([x.shape[a] for a in axes])
        return {"output": np.asarray(y, dtype=x.dtype)}

    def run_backward(inputs, outputs, cotangents, attributes):
        x, g = inputs["input"], cotangents["output"]
        axes = reduced_axes(x, attributes)
        if axes and not attributes.get("keepdim", False):
            g = np.expand_dims(g, axes)
        gradient = np.broadcast_to(g, x.shape).astype(x.dtype)
        if mean and axes:
            gradient = gradient / np.prod([x.shape[a] for a in axes])
        return {"input": gradient}
    return run_forward, run_backward


def matmul_forward(inputs, attributes):
    return {"output": np.asarray(np.matmul(inputs["input"], inputs["other"]))}


def matmul_backward(inputs, outputs, cotangents, attributes):
    a, b, g = inputs["input"], inputs["other"], cotangents["output"]
    # Promote vectors to matrices as torch.matmul does, then restore the squeezed dimensions of g.
    a2 = a[None, :] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g2 = g.reshape(np.matmul(a2, b2).shape)  # only the squeezed size-1 dimensions come back
    grad_a = np.matmul(g2, np.swapaxes(b2, -1, -2))
    grad_b = np.matmul(np.swapaxes(a2, -1, -2), g2)
    grad_a = unbroadcast(grad_a, a2.shape).reshape(a.shape)
    grad_b = unbroadcast(grad_b, b2.shape).reshape(b.shape)
    return {"input": grad_a, "other": grad_b}


def pair(value):
    """PyTorch's _pair: one int, or a list of one or two ints."""
    value = list(value) if isinstance(value, list) else [value]
    return (value[0], value[0]) if len(value) == 1 else (value[0], value[1])


def conv2d_geometry(x, w, attributes):
    (sh, sw), (ph, pw), (dh, dw) = (pair(attributes[k]) for k in ("stride", "padding", "dilation"))
    groups = attributes["groups"]
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    return sh, sw, ph, pw, dh, dw, groups, oh, ow


def windows(kh, kw, sh, sw, dh, dw, oh, ow):
    """For each kernel offset, the slices of the padded input it multiplies."""
    for ky in range(kh):
        for kx in range(kw):
            rows = slice(ky * dh, ky * dh + sh * (oh - 1) + 1, sh)
            cols = slice(kx * dw, kx * dw + sw * (ow - 1) + 1, sw)
            yield ky, kx, rows, cols


def conv2d_forward(inputs, attributes):
    x, w, b = inputs["input"], inputs["weight"], inputs.get("bias")
    unbatched = x.ndim == 3
    if unbatched:
        x = x[None]
    sh, sw, ph, pw, dh, dw, groups, oh, ow = conv2d_geometry(x, w, attributes)
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    o, cg = w.shape[0], w.shape[1]
    og = o // groups
    y = np.zeros((x.shape[0], o, oh, ow), dtype=x.dtype)
    for ky, kx, rows, cols in windows(w.shape[2], w.shape[3], sh, sw, dh, dw, oh, ow):
        patch = padded[:, :, rows, cols]
        for g in range(groups):
            y[:, g * og:(g + 1) * og] += np.einsum(
                "ncyx,oc->noyx", patch[:, g * cg:(g + 1) * cg], w[g * og:(g + 1) * og, :, ky, kx])
    if b is not None:
        y += b[None, :, None, None]
    return {"output": y[0] if unbatched else y}


def conv2d_backward(inputs, outputs, cotangents, attributes):
    x, w, b = inputs["input"], inputs["weight"], inputs.get("bias")
    g_out = cotangents["output"]
    unbatched = x.ndim == 3
    if unbatched:
        x, g_out = x[None], g_out[None]
    sh, sw, ph, pw, dh, dw, groups, oh, ow = conv2d_geometry(x, w, attributes)
    padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    grad_padded = np.zeros_like(padded)
    grad_w = np.zeros_like(w)
    o, cg = w.shape[0], w.shape[1]
    og = o // groups
    for ky, kx, rows, cols in windows(w.shape[2], w.shape[3], sh, sw, dh, dw, oh, ow):
        patch = padded[:, :, rows, cols]
        for g in range(groups):
            go = g_out[:, g * og:(g + 1) * og]
            grad_padded[:, g * cg:(g + 1) * cg, rows, cols] += np.einsum(
                "noyx,oc->ncyx", go, w[g * og:(g + 1) * og, :, ky, kx])
            grad_w[g * og:(g + 1) * og, :, ky, kx] += np.einsum("noyx,ncyx->oc", go, patch[:, g * cg:(g + 1) * cg])
    grad_x = grad_padded[:, :, ph:ph + x.shape[2], pw:pw + x.shape[3]]
    gradients = {"input": grad_x[0] if unbatched else grad_x, "weight": grad_w}
    if b is not None:
        gradients["bias"] = g_out.sum(axis=(0, 2, 3))
    return gradients


OPS = {
    "add": binary(lambda a, b, at: a + at.get("alpha", 1) * b,
                  lambda a, b, g, at: g, lambda a, b, g, at: at.get("alpha", 1) * g),
    "sub": binary(lambda a, b, at: a - at.get("alpha", 1) * b,
                  lambda a, b, g, at: g, lambda a, b, g, at: -at.get("alpha", 1) * g),
    "mul": binary(lambda a, b, at: a * b, lambda a, b, g, at: g * b, lambda a, b, g, at: g * a),
    "matmul": (matmul_forward, matmul_backward),
    "sum": reduction(mean=False),
    "mean": reduction(mean=True),
    "relu": pointwise(lambda x: np.maximum(x, 0), lambda x, y: (x > 0).astype(x.dtype)),
    "sigmoid": pointwise(lambda x: 1 / (1 + np.exp(-x)), lambda x, y: y * (1 - y)),
    "tanh": pointwise(np.tanh, lambda x, y: 1 - y * y),
    "exp": pointwise(np.exp, lambda x, y: y),
    "conv2d": (conv2d_forward, conv2d_backward),
}


# ---------------------------------------------------------------------------
# Running the cases
# ---------------------------------------------------------------------------

def strip(prefix, name):
    return name[len(prefix):] if name.startswith(prefix) else name


def run_case(golden_case, actual_case, case, dtype):
    forward, backward = OPS[case["op"]]
    attributes = case["attributes"]
    inputs = {strip("input_", e["name"]): load(golden_case, e, dtype) for e in case["inputs"]}
    cotangents = {strip("cotangent_", e["name"]): load(golden_case, e, dtype) for e in case["cotangents"]}
    outputs = forward(inputs, attributes)
    gradients = backward(inputs, outputs, cotangents, attributes)
    os.makedirs(actual_case, exist_ok=True)
    for entry in case["outputs"]:
        np.save(os.path.join(actual_case, entry["file"]), np.asarray(outputs[strip("output_", entry["name"])], dtype=dtype))
    for entry in case["gradients"]:
        np.save(os.path.join(actual_case, entry["file"]), np.asarray(gradients[strip("gradient_", entry["name"])], dtype=dtype))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description="A NumPy backend for refvis's golden op cases.")
    parser.add_argument("--golden", default=os.path.join(here, "..", "..", "Fixtures", "golden"),
                        help="the golden folder (default: the repository's Fixtures/golden)")
    parser.add_argument("--actual", required=True, help="where to write the results")
    parser.add_argument("--dtype", choices=["float64", "float32"], default="float64",
                        help="the precision to compute in (default float64)")
    parser.add_argument("--only", default="*", help="a glob over case names (default: every case of the implemented ops)")
    arguments = parser.parse_args()
    dtype = np.float64 if arguments.dtype == "float64" else np.float32

    ops_folder = os.path.join(arguments.golden, "ops")
    written, skipped, failed = 0, 0, 0
    for name in sorted(os.listdir(ops_folder)):
        golden_case = os.path.join(ops_folder, name)
        if name.startswith(".") or not os.path.isdir(golden_case) or not fnmatch.fnmatch(name, arguments.only):
            continue
        try:
            case = read_case(golden_case)
        except (OSError, ValueError) as error:
            print(f"{name}: cannot read case.json: {error}", file=sys.stderr)
            failed += 1
            continue
        if case["op"] not in OPS:
            skipped += 1
            continue
        try:
            with np.errstate(over="ignore"):
                run_case(golden_case, os.path.join(arguments.actual, "ops", name), case, dtype)
            written += 1
        except Exception as error:  # an example backend: report and go on
            print(f"{name}: {error}", file=sys.stderr)
            failed += 1
    print(f"wrote {written} cases under {arguments.actual} ({arguments.dtype}); "
          f"skipped {skipped} cases of other ops; {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
