extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let resamplingOps: [OpDefinition] = [affineGridOp, gridSampleOp, interpolateOp]

    /// `affine_grid(theta; size, align_corners)`, torch.nn.functional.affine_grid.
    static let affineGridOp = OpDefinition(
        name: "affine_grid",
        summary: "grid[n,h,w] = theta[n] · (x_w, y_h, 1) over the normalized pixel centres of size (N, C, H, W) (torch.nn.functional.affine_grid)",
        inputs: [OpInput("theta")],
        attributes: [
            AttributeSpec("size", .ints, default: nil, "the target size (N, C, H, W)"),
            AttributeSpec("align_corners", .optional(.bool), default: .null, "-1 and 1 are the corner pixel centres (true) or the image edges (false; none means false)"),
        ],
        linearIn: ["theta"],
        forward: { inputs, attributes in
            [try affineGrid(inputs[0], size: attributes.ints("size"),
                            alignCorners: attributes.optionalBool("align_corners") ?? false)]
        },
        vjp: { inputs, _, cotangents, attributes in
            let gradient = try affineGridBackward(cotangents[0], size: attributes.ints("size"),
                                                  alignCorners: attributes.optionalBool("align_corners") ?? false)
            try inputs[0].requireShape(gradient.shape, "affine_grid: theta")
            return [gradient]
        },
        samples: ResamplingSamples.affineGrid)

    /// `grid_sample(input, grid; mode, padding_mode, align_corners)`, torch.nn.functional.grid_sample (4-D).
    static let gridSampleOp = OpDefinition(
        name: "grid_sample",
        summary: "out[n,c,h,w] = input[n,c] sampled at grid[n,h,w] = (x, y) in [-1, 1], bilinear or nearest, PyTorch's padding modes (torch.nn.functional.grid_sample)",
        inputs: [OpInput("input"), OpInput("grid")],
        attributes: [
            AttributeSpec("mode", GridSampleMode.self, default: .bilinear, "interpolation"),
            AttributeSpec("padding_mode", GridSamplePadding.self, default: .zeros,
                          "outside the image: zeros, the border pixel, or the mirrored image"),
            AttributeSpec("align_corners", .optional(.bool), default: .null, "-1 and 1 are the corner pixel centres (true) or the image edges (false; none means false)"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            let a = try GridSampleAttributes(attributes)
            return [try gridSample(inputs[0], inputs[1], mode: a.mode, paddingMode: a.padding, alignCorners: a.alignCorners)]
        },
        vjp: { inputs, _, cotangents, attributes in
            let a = try GridSampleAttributes(attributes)
            let (input, grid) = try gridSampleBackward(cotangents[0], input: inputs[0], grid: inputs[1], mode: a.mode,
                                                       paddingMode: a.padding, alignCorners: a.alignCorners)
            return [input, grid]
        },
        samples: ResamplingSamples.gridSample)

    /// `interpolate(input; size, scale_factor, mode, align_corners, recompute_scale_factor)`,
    /// torch.nn.functional.interpolate (4-D input, nearest and bilinear).
    static let interpolateOp = OpDefinition(
        name: "interpolate",
        summary: "resize (N, C, H, W) images by size or scale_factor, nearest or bilinear, with PyTorch's index rules (torch.nn.functional.interpolate)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("size", .optional(.ints), default: .null, "output (H, W), or one size for both"),
            AttributeSpec("scale_factor", .optional(.doubles), default: .null, "multiplier for (H, W), or one for both"),
            AttributeSpec("mode", InterpolateMode.self, default: .nearest, "interpolation"),
            AttributeSpec("align_corners", .optional(.bool), default: .null, "bilinear only: map corner pixel centres onto each other"),
            AttributeSpec("recompute_scale_factor", .optional(.bool), default: .null, "true: sample with in/out instead of 1/scale_factor"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            let a = try InterpolateAttributes(attributes)
            return [try interpolate(inputs[0], size: a.size, scaleFactor: a.scaleFactor, mode: a.mode,
                                    alignCorners: a.alignCorners, recomputeScaleFactor: a.recomputeScaleFactor)]
        },
        vjp: { inputs, _, cotangents, attributes in
            let a = try InterpolateAttributes(attributes)
            return [try interpolateBackward(cotangents[0], inputShape: inputs[0].shape, size: a.size,
                                            scaleFactor: a.scaleFactor, mode: a.mode, alignCorners: a.alignCorners,
                                            recomputeScaleFactor: a.recomputeScaleFactor)]
        },
        samples: ResamplingSamples.interpolate)
}

/// The resolved attributes of grid_sample.
private struct GridSampleAttributes {
    let mode: GridSampleMode
    let padding: GridSamplePadding
    let alignCorners: Bool

    init(_ attributes: Attributes) throws {
        mode = try attributes.choice(GridSampleMode.self, "mode")
        padding = try attributes.choice(GridSamplePadding.self, "padding_mode")
        alignCorners = try attributes.optionalBool("align_corners") ?? false
    }
}

/// The resolved attributes of interpolate.
private struct InterpolateAttributes {
    let size: [Int]?
    let scaleFactor: [Double]?
    let mode: InterpolateMode
    let alignCorners: Bool?
    let recomputeScaleFactor: Bool?

    init(_ attributes: Attributes) throws {
        size = try attributes.optionalInts("size")
        scaleFactor = try attributes.optionalDoubles("scale_factor")
        mode = try attributes.choice(InterpolateMode.self, "mode")
        alignCorners = try attributes.optionalBool("align_corners")
        recomputeScaleFactor = try attributes.optionalBool("recompute_scale_factor")
    }
}
