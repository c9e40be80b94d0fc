"""Expected outputs of refvis's resizeImage, made by PyTorch (run by hand, never by the build).

torch.nn.functional.interpolate(mode="bilinear", antialias=True, align_corners=False) in float64.
"""
import numpy as np
import torch

rng = np.random.default_rng(12)
cases = {"shrink": (13, 17, 5, 7), "enlarge": (5, 7, 11, 9), "mixed": (9, 4, 4, 10), "same_rows": (6, 8, 6, 3)}
for name, (h, w, oh, ow) in cases.items():
    x = rng.uniform(0, 1, size=(1, 2, h, w))
    y = torch.nn.functional.interpolate(torch.from_numpy(x), size=(oh, ow), mode="bilinear",
                                        antialias=True, align_corners=False).numpy()
    np.save(f"{name}_input.npy", x)
    np.save(f"{name}_output.npy", y)
