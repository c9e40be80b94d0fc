// The Laplacian pyramid of the TensorFlow DeepDream notebook (lap_split_n and
// lap_merge). MATLAB's deepDreamImage also normalizes its gradients band by
// band with a Laplacian pyramid (the feature-visualization notes); refvis
// follows TF's published recipe, not MATLAB's internals. PyTorch has no such
// function; refvis names it laplacian_pyramid_*.
//
// With D and U = 4·Dᵀ of BinomialResampling, one split of an image x is
//
//     low = D x,    high = x − U low,
//
// and a pyramid of L splits is, in TF's list order (coarsest first),
//
//     [low_L, high_{L−1}, …, high_1, high_0],   sizes ⌈H/2^L⌉×⌈W/2^L⌉, …, H×W.
//
// Merging runs the other way, img ← U img + high, and inverts the split
// exactly in exact arithmetic (x = high + U low), to rounding in floating point.

extension LaplacianPyramidGeometry {
    /// lap_split_n on flat planes: the bands in list order, coarsest first.
    func split(_ x: [Double]) -> [[Double]] {
        var current = x
        var highs = [[Double]]()
        for k in 0..<levels {
            let (h, w) = sizes[k]
            let low = BinomialResampling.downsample(current, planes: layout.planes, height: h, width: w)
            let up = BinomialResampling.upsample(low, planes: layout.planes, height: h, width: w)
            var high = current
            for i in 0..<high.count { high[i] -= up[i] }
            highs.append(high)
            current = low
        }
        return [current] + highs.reversed()
    }

    /// lap_merge on flat planes: img ← U img + band, from the coarsest band up.
    func merge(_ bands: [[Double]]) -> [Double] {
        var image = bands[0]
        for b in stride(from: 1, through: levels, by: 1) {
            let (h, w) = bandSize(b)
            image = BinomialResampling.upsample(image, planes: layout.planes, height: h, width: w)
            for i in 0..<image.count { image[i] += bands[b][i] }
        }
        return image
    }

    /// The adjoint of `split`: from cotangents of the bands to x̄. Walking back
    /// from the coarsest level, with ḡ the cotangent of low_{k+1} and H̄ that
    /// of high_k: ḡ_k = H̄ + Dᵀ(ḡ_{k+1} − 4·D H̄), since Uᵀ = 4·D.
    func splitAdjoint(_ bands: [[Double]]) -> [Double] {
        var g = bands[0]
        for k in stride(from: levels - 1, through: 0, by: -1) {
            let (h, w) = sizes[k]
            let high = bands[levels - k]
            let squeezed = BinomialResampling.downsample(high, planes: layout.planes, height: h, width: w)
            for i in 0..<g.count { g[i] -= 4 * squeezed[i] }
            var next = BinomialResampling.downsampleAdjoint(g, planes: layout.planes, height: h, width: w)
            for i in 0..<next.count { next[i] += high[i] }
            g = next
        }
        return g
    }

    /// The adjoint of `merge`: from ȳ to the cotangents of the bands. The
    /// finest band receives ȳ itself; each coarser one Uᵀ = 4·D of the next.
    func mergeAdjoint(_ gradient: [Double]) -> [[Double]] {
        var bands = [[Double]](repeating: [], count: levels + 1)
        var g = gradient
        for b in stride(from: levels, through: 1, by: -1) {
            bands[b] = g
            let (h, w) = bandSize(b)
            g = BinomialResampling.downsample(g, planes: layout.planes, height: h, width: w).map { 4 * $0 }
        }
        bands[0] = g
        return bands
    }
}

// MARK: Bands as separate tensors

/// Splits each image into a Laplacian pyramid of `levels` splits, TF
/// DeepDream's `lap_split_n(img, levels)` per channel, returning the
/// levels + 1 bands in its list order: the low-pass residual first
/// (⌈H/2^levels⌉ × ⌈W/2^levels⌉), then the high-pass bands from coarse to
/// fine, the last one full size. Input (N, C, H, W) or (C, H, W); the bands
/// keep the batch and channel dimensions. H and W must exceed 2^(levels − 1).
public func laplacianPyramidSplit(_ input: Tensor, levels: Int) throws -> [Tensor] {
    let g = try LaplacianPyramidGeometry(ImageLayout(input.shape, op: "laplacian_pyramid_split"), levels: levels,
                                         op: "laplacian_pyramid_split")
    return g.split(input.scalars).enumerated().map { b, band in Tensor(shape: g.bandShape(b), scalars: band) }
}

/// Merges the bands of `laplacianPyramidSplit` back into an image, TF
/// DeepDream's `lap_merge`: img ← U img + band from the first (coarsest)
/// band on. The band shapes must be those a split of the last band's size
/// gives. `merge(split(x)) == x` to rounding.
public func laplacianPyramidMerge(_ pyramid: [Tensor]) throws -> Tensor {
    guard let finest = pyramid.last else {
        throw RefvisError("laplacian_pyramid_merge: the pyramid has no bands")
    }
    let layout = try ImageLayout(finest.shape, op: "laplacian_pyramid_merge", input: "the last band")
    let g = try LaplacianPyramidGeometry(layout, levels: pyramid.count - 1, op: "laplacian_pyramid_merge")
    for (b, band) in pyramid.enumerated() {
        try band.requireShape(g.bandShape(b), "laplacian_pyramid_merge: band \(b) of \(pyramid.count)")
    }
    return Tensor(shape: layout.shape, scalars: g.merge(pyramid.map(\.scalars)))
}

// MARK: Packed pyramids (the registered ops)

/// The Laplacian pyramid of `laplacianPyramidSplit` packed into one tensor:
/// for every image and channel, the bands flattened row-major and
/// concatenated in list order (coarsest first). Shapes: (N, C, H, W) →
/// (N, C, Σ_b h_b·w_b); (C, H, W) → (C, Σ_b h_b·w_b), with
/// (h_b, w_b) = (⌈H/2^(levels−b)⌉, ⌈W/2^(levels−b)⌉). A single tensor because
/// an op has a fixed number of outputs while the number of bands is an
/// attribute — as torch.nn.functional.unfold packs its patches, with
/// `laplacianPyramidMerge(_:levels:outputSize:)` as the matching fold.
/// Linear in the input.
public func laplacianPyramidBuild(_ input: Tensor, levels: Int) throws -> Tensor {
    let g = try LaplacianPyramidGeometry(ImageLayout(input.shape, op: "laplacian_pyramid_build"), levels: levels,
                                         op: "laplacian_pyramid_build")
    return g.pack(g.split(input.scalars))
}

/// The VJP of `laplacianPyramidBuild` (its adjoint): unpack the cotangent
/// into bands and run the split backwards (see `splitAdjoint`).
public func laplacianPyramidBuildBackward(_ gradOutput: Tensor, inputShape: [Int], levels: Int) throws -> Tensor {
    let g = try LaplacianPyramidGeometry(ImageLayout(inputShape, op: "laplacian_pyramid_build"), levels: levels,
                                         op: "laplacian_pyramid_build")
    try gradOutput.requireShape(g.packedShape, "laplacian_pyramid_build backward: output gradient")
    return Tensor(shape: inputShape, scalars: g.splitAdjoint(g.unpack(gradOutput.scalars)))
}

/// The geometry of a packed pyramid of `levels` splits of `outputSize` =
/// (H, W) images: the input must be (N, C, L) or (C, L) with L the packed length.
private func packedGeometry(_ packedShape: [Int], levels: Int, outputSize: [Int]) throws -> LaplacianPyramidGeometry {
    let op = "laplacian_pyramid_merge"
    guard packedShape.count == 2 || packedShape.count == 3 else {
        throw RefvisError("\(op): input must be a packed pyramid (N, C, L) or (C, L), got shape \(formatShape(packedShape))")
    }
    guard outputSize.count == 2, outputSize.allSatisfy({ $0 >= 1 }) else {
        throw RefvisError.usage("\(op): attribute 'output_size' needs 2 integers (H, W), each >= 1, got \(AttributeValue.ints(outputSize))")
    }
    let imageShape = packedShape.dropLast() + outputSize
    _ = try Tensor.checkedElementCount(Array(imageShape), context: "\(op): output")
    let g = try LaplacianPyramidGeometry(ImageLayout(Array(imageShape), op: op), levels: levels, op: op)
    guard packedShape.last == g.packedLength else {
        throw RefvisError("\(op): a pyramid of \(levels) levels of \(outputSize[0])x\(outputSize[1]) images packs \(g.packedLength) values per channel, but the input's last dimension is \(packedShape.last ?? 0) (shape \(formatShape(packedShape)))")
    }
    return g
}

/// Merges a packed pyramid (the output of `laplacianPyramidBuild`) into
/// images of `outputSize` = (H, W): (N, C, L) → (N, C, H, W), (C, L) →
/// (C, H, W). `levels` and `outputSize` must be those of the build, which
/// fix L. Linear in the input.
public func laplacianPyramidMerge(_ packed: Tensor, levels: Int, outputSize: [Int]) throws -> Tensor {
    let g = try packedGeometry(packed.shape, levels: levels, outputSize: outputSize)
    return Tensor(shape: g.layout.shape, scalars: g.merge(g.unpack(packed.scalars)))
}

/// The VJP of the packed `laplacianPyramidMerge` (its adjoint), packed.
public func laplacianPyramidMergeBackward(_ gradOutput: Tensor, packedShape: [Int], levels: Int, outputSize: [Int]) throws -> Tensor {
    let g = try packedGeometry(packedShape, levels: levels, outputSize: outputSize)
    try gradOutput.requireShape(g.layout.shape, "laplacian_pyramid_merge backward: output gradient")
    return g.pack(g.mergeAdjoint(gradOutput.scalars))
}

extension OpRegistry {
    static let laplacianPyramidOps: [OpDefinition] = [
        OpDefinition(
            name: "laplacian_pyramid_build",
            summary: "TF DeepDream lap_split_n per channel (binomial 5x5, stride-2 SAME), bands coarsest first, flattened and packed: (N, C, H, W) -> (N, C, sum h_b w_b)",
            inputs: [OpInput("input")],
            attributes: [AttributeSpec("levels", .int, default: nil, "number of splits (TF's scale_n); the pyramid has levels + 1 bands")],
            linearIn: ["input"],
            forward: { inputs, attributes in [try laplacianPyramidBuild(inputs[0], levels: attributes.int("levels"))] },
            vjp: { inputs, _, cotangents, attributes in
                [try laplacianPyramidBuildBackward(cotangents[0], inputShape: inputs[0].shape, levels: attributes.int("levels"))]
            },
            samples: { rng in
                let configurations: [(shape: [Int], levels: Int)] = [
                    ([1, 2, 6, 5], 2), ([2, 1, 4, 4], 1), ([2, 7, 9], 3), ([1, 1, 3, 8], 2), ([1, 1, 2, 3], 0),
                ]
                return configurations.map { c in
                    OpSample("shape=\(formatShape(c.shape)) levels=\(c.levels)",
                             inputs: [rng.normalTensor(c.shape)], attributes: ["levels": .int(c.levels)])
                }
            }),
        OpDefinition(
            name: "laplacian_pyramid_merge",
            summary: "TF DeepDream lap_merge of a packed pyramid (the output of laplacian_pyramid_build): (N, C, L) -> (N, C, H, W)",
            inputs: [OpInput("input")],
            attributes: [
                AttributeSpec("levels", .int, default: nil, "number of splits of the build"),
                AttributeSpec("output_size", .ints, default: nil, "(H, W) of the merged image"),
            ],
            linearIn: ["input"],
            forward: { inputs, attributes in
                [try laplacianPyramidMerge(inputs[0], levels: attributes.int("levels"), outputSize: attributes.ints("output_size"))]
            },
            vjp: { inputs, _, cotangents, attributes in
                [try laplacianPyramidMergeBackward(cotangents[0], packedShape: inputs[0].shape, levels: attributes.int("levels"),
                                                   outputSize: attributes.ints("output_size"))]
            },
            samples: { rng in
                // Packed lengths: 6x5 with 2 levels: 30 + 9 + 4 = 43; 4x4 with 1: 16 + 4 = 20;
                // 7x9 with 3: 63 + 20 + 6 + 2 = 91; 3x8 with 2: 24 + 8 + 2 = 34.
                let configurations: [(shape: [Int], levels: Int, size: [Int])] = [
                    ([1, 2, 43], 2, [6, 5]), ([2, 1, 20], 1, [4, 4]), ([2, 91], 3, [7, 9]), ([1, 1, 34], 2, [3, 8]),
                ]
                return configurations.map { c in
                    OpSample("shape=\(formatShape(c.shape)) levels=\(c.levels) output_size=\(AttributeValue.ints(c.size))",
                             inputs: [rng.normalTensor(c.shape)],
                             attributes: ["levels": .int(c.levels), "output_size": .ints(c.size)])
                }
            }),
    ]
}
