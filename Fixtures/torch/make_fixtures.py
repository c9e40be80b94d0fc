"""Writes the PyTorch checkpoints refvis's Torch tests read, and the values
they must give as .npy (float64, C order). Run by hand, never by the build or
the tests:  python3 make_fixtures.py   (needs torch and numpy).

Each checkpoint is written twice: in the zip format torch.save uses now
(<name>.pth) and in the legacy format (<name>_legacy.pth,
_use_new_zipfile_serialization=False)."""
import collections
import os
import zipfile

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def values(shape, dtype, start):
    # Small exact values with fractions that every dtype here holds exactly,
    # plus signs, so a wrong dtype or an off-by-one element shows.
    n = int(np.prod(shape))
    data = [((i + start) % 23 - 11) * 0.375 for i in range(n)]
    return torch.tensor(data, dtype=dtype).reshape(shape)


def state_dict():
    shared = values((20,), torch.float32, 1)
    d = collections.OrderedDict()
    d["conv.weight"] = values((2, 3, 2, 2), torch.float32, 0)
    d["conv.bias"] = values((2,), torch.float64, 5)
    d["fc.weight"] = values((3, 4), torch.float16, 7)
    d["fc.bias"] = values((3,), torch.bfloat16, 9)
    d["fc.transposed"] = values((4, 3), torch.float32, 11).t()  # non-contiguous: strides (1, 3)
    d["shared.a"] = shared[2:8].view(2, 3)  # offset 2 into one storage
    d["shared.b"] = shared[10:20:2]  # offset 10, stride 2, same storage
    d["steps"] = torch.tensor([3, -7, 1 << 40], dtype=torch.int64)
    d["scalar"] = torch.tensor(2.5, dtype=torch.float64)
    # As nn.Module.state_dict() does: pickled as OrderedDict state (a BUILD).
    d._metadata = collections.OrderedDict([("", {"version": 1}), ("conv", {"version": 1})])
    return d


def save(name, obj):
    torch.save(obj, os.path.join(HERE, name + ".pth"))
    torch.save(obj, os.path.join(HERE, name + "_legacy.pth"), _use_new_zipfile_serialization=False)


def recompress(name, out):
    # What zip -r or Python's zipfile make of a checkpoint: the same members,
    # deflated (torch.save never writes this; refvis reads it anyway).
    with zipfile.ZipFile(os.path.join(HERE, name)) as source, \
         zipfile.ZipFile(os.path.join(HERE, out), "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))


def main():
    d = state_dict()
    save("state_dict", d)
    # As a DataParallel training script saves: "module." names, some values
    # nn.Parameters (pickled through torch._utils._rebuild_parameter).
    inner = collections.OrderedDict(("module." + k, v) for k, v in d.items())
    inner["module.conv.weight"] = torch.nn.Parameter(d["conv.weight"])
    nested = {"epoch": 3, "optimizer": {"lr": 0.1, "betas": (0.9, 0.999)}, "state_dict": inner}
    save("nested", nested)
    for key, tensor in d.items():
        np.save(os.path.join(HERE, "expected", key + ".npy"), tensor.to(torch.float64).contiguous().numpy())
    recompress("state_dict.pth", "state_dict_deflated.pth")
    # Pickle protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL), zip format only.
    torch.save(d, os.path.join(HERE, "state_dict_p4.pth"), pickle_protocol=4)
    # A real module's state_dict(): its _metadata, BatchNorm's running
    # statistics and int64 num_batches_tracked.
    torch.manual_seed(0)
    module = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 2), torch.nn.BatchNorm2d(3))
    module(torch.randn(4, 2, 5, 5))  # one training step moves the running statistics
    torch.save(module.state_dict(), os.path.join(HERE, "module.pth"))
    os.makedirs(os.path.join(HERE, "expected", "module"), exist_ok=True)
    for key, tensor in module.state_dict().items():
        np.save(os.path.join(HERE, "expected", "module", key + ".npy"), tensor.to(torch.float64).numpy())


if __name__ == "__main__":
    os.makedirs(os.path.join(HERE, "expected"), exist_ok=True)
    main()
