// Typed calls of the resampling ops (Ops/Resampling); see Tape+Pointwise.swift
// for why the wrappers only build attributes. `alignCorners: nil` is
// PyTorch's `align_corners=None`.

extension Tape {
    /// The sampling grid of the affine maps `theta` (N, 2, 3) over an image of
    /// `size` (N, C, H, W) (torch.nn.functional.affine_grid).
    public func affineGrid(_ theta: Variable, size: [Int], alignCorners: Bool? = nil) throws -> Variable {
        try apply1("affine_grid", [theta], ["size": .ints(size), "align_corners": alignCorners.map(AttributeValue.bool) ?? .null])
    }

    /// `input` sampled at the normalized coordinates of `grid`
    /// (torch.nn.functional.grid_sample).
    public func gridSample(_ input: Variable, _ grid: Variable, mode: GridSampleMode = .bilinear,
                           paddingMode: GridSamplePadding = .zeros, alignCorners: Bool? = nil) throws -> Variable {
        try apply1("grid_sample", [input, grid], [
            "mode": mode.attributeValue, "padding_mode": paddingMode.attributeValue,
            "align_corners": alignCorners.map(AttributeValue.bool) ?? .null,
        ])
    }

    /// (N, C, H, W) images resized to `size` or by `scaleFactor` (exactly one
    /// of them) (torch.nn.functional.interpolate).
    public func interpolate(_ input: Variable, size: [Int]? = nil, scaleFactor: [Double]? = nil,
                            mode: InterpolateMode = .nearest, alignCorners: Bool? = nil,
                            recomputeScaleFactor: Bool? = nil) throws -> Variable {
        try apply1("interpolate", [input], [
            "size": size.map(AttributeValue.ints) ?? .null,
            "scale_factor": scaleFactor.map(AttributeValue.doubles) ?? .null,
            "mode": mode.attributeValue,
            "align_corners": alignCorners.map(AttributeValue.bool) ?? .null,
            "recompute_scale_factor": recomputeScaleFactor.map(AttributeValue.bool) ?? .null,
        ])
    }
}
