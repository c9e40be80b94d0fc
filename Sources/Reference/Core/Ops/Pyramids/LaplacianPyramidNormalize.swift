// Laplacian-pyramid gradient normalization, as TF DeepDream's lap_normalize
// (the technique of MATLAB deepDreamImage's laplacianNormalizedImage too):
// every frequency band of the gradient is scaled to unit root mean square
// before the bands are merged back, so that low frequencies get as much of
// the step as high ones.

/// The root mean square of each image's part of one band (planes × area):
/// r = √(Σ v² / (C·area)).
private func bandRMS(_ band: [Double], _ layout: ImageLayout, area: Int) -> [Double] {
    let size = layout.channels * area
    return (0..<layout.batch).map { n in
        var squares = 0.0
        for k in (n * size)..<((n + 1) * size) { squares += band[k] * band[k] }
        return (squares / Double(size)).squareRoot()
    }
}

/// Splits each image into a Laplacian pyramid of `levels` splits
/// (`laplacianPyramidSplit`), divides every band by max(r, ε) with r its
/// root mean square over the image's C·h·w values, and merges the bands:
///
///     y = merge([band_b / max(√mean(band_b²), ε)  for each band b])
///
/// TF DeepDream's `lap_normalize(img, scale_n=levels)` with its
/// `normalize_std(img, eps=1e-10)` — which, despite its name, divides by
/// √mean(img²), not by the standard deviation about the mean. TF normalizes
/// one image; a batch is normalized image by image. Input (N, C, H, W) or
/// (C, H, W), H and W above 2^(levels − 1); output of the same shape. ε > 0.
public func laplacianPyramidNormalize(_ input: Tensor, levels: Int = 4, epsilon: Double = 1e-10) throws -> Tensor {
    let g = try normalizeGeometry(input.shape, levels: levels, epsilon: epsilon)
    var bands = g.split(input.scalars)
    for b in 0...levels {
        let (h, w) = g.bandSize(b)
        let size = g.layout.channels * h * w
        for (n, rms) in bandRMS(bands[b], g.layout, area: h * w).enumerated() {
            let divisor = max(rms, epsilon)
            for k in (n * size)..<((n + 1) * size) { bands[b][k] /= divisor }
        }
    }
    return Tensor(shape: input.shape, scalars: g.merge(bands))
}

/// The VJP of `laplacianPyramidNormalize`: the merge's adjoint gives the
/// cotangent ν̄ of each normalized band; through ν = v / r (r > ε) it becomes
/// v̄ = ν̄/r − v·(Σ ν̄v)/(m·r³) with m = C·h·w (where the floor ε holds,
/// v̄ = ν̄/ε); the split's adjoint takes the band cotangents to x̄.
public func laplacianPyramidNormalizeBackward(_ gradOutput: Tensor, input: Tensor, levels: Int = 4,
                                              epsilon: Double = 1e-10) throws -> Tensor {
    let g = try normalizeGeometry(input.shape, levels: levels, epsilon: epsilon)
    try gradOutput.requireShape(input.shape, "laplacian_pyramid_normalize backward: output gradient")
    let bands = g.split(input.scalars)
    var cotangents = g.mergeAdjoint(gradOutput.scalars)
    for b in 0...levels {
        let (h, w) = g.bandSize(b)
        let size = g.layout.channels * h * w
        for (n, rms) in bandRMS(bands[b], g.layout, area: h * w).enumerated() {
            let range = (n * size)..<((n + 1) * size)
            if rms > epsilon {
                var dot = 0.0
                for k in range { dot += cotangents[b][k] * bands[b][k] }
                let radial = dot / (Double(size) * rms * rms * rms)
                for k in range { cotangents[b][k] = cotangents[b][k] / rms - bands[b][k] * radial }
            } else {
                for k in range { cotangents[b][k] /= epsilon }
            }
        }
    }
    return Tensor(shape: input.shape, scalars: g.splitAdjoint(cotangents))
}

private func normalizeGeometry(_ shape: [Int], levels: Int, epsilon: Double) throws -> LaplacianPyramidGeometry {
    let op = "laplacian_pyramid_normalize"
    guard epsilon > 0, epsilon.isFinite else {
        throw RefvisError.usage("\(op): attribute 'epsilon' must be a finite number > 0, got \(formatDouble(epsilon))")
    }
    return try LaplacianPyramidGeometry(ImageLayout(shape, op: op), levels: levels, op: op)
}

extension OpRegistry {
    static let laplacianPyramidNormalizeOp = OpDefinition(
        name: "laplacian_pyramid_normalize",
        summary: "split into a Laplacian pyramid, divide each band by max(sqrt(mean(band^2)), epsilon) per image, merge (TF DeepDream lap_normalize)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("levels", .int, default: .int(4), "number of splits (TF's scale_n, DeepDream's lap_n)"),
            AttributeSpec("epsilon", .double, default: .double(1e-10), "floor under each band's root mean square (> 0)"),
        ],
        forward: { inputs, attributes in
            [try laplacianPyramidNormalize(inputs[0], levels: attributes.int("levels"), epsilon: attributes.double("epsilon"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try laplacianPyramidNormalizeBackward(cotangents[0], input: inputs[0], levels: attributes.int("levels"),
                                                   epsilon: attributes.double("epsilon"))]
        },
        samples: { rng in
            var samples = [
                OpSample("shape=(1, 2, 6, 5) levels=2", inputs: [rng.normalTensor([1, 2, 6, 5])], attributes: ["levels": .int(2)]),
                OpSample("shape=(2, 1, 4, 4) levels=1", inputs: [rng.normalTensor([2, 1, 4, 4])], attributes: ["levels": .int(1)]),
                OpSample("shape=(1, 9, 9) levels=4", inputs: [rng.normalTensor([1, 9, 9])], attributes: ["levels": .int(4)]),
                OpSample("shape=(1, 1, 3, 4) levels=0", inputs: [rng.normalTensor([1, 1, 3, 4])], attributes: ["levels": .int(0)]),
            ]
            // A large epsilon floors the small coarse bands of a small image.
            samples.append(OpSample("shape=(1, 1, 4, 5) levels=1 epsilon=3",
                                    inputs: [rng.normalTensor([1, 1, 4, 5])],
                                    attributes: ["levels": .int(1), "epsilon": .double(3)]))
            return samples
        })
}
