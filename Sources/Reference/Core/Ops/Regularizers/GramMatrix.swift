// Gram matrices of feature maps, the style statistics of Gatys et al.'s style
// transfer (and of Lucid's diversity objective): channel-by-channel inner
// products over all positions.

/// What the Gram matrix is divided by.
public enum GramNormalization: String, AttributeChoice {
    /// C·H·W — neural-style's `matmul(featsᵀ, feats) / size` for one image.
    case chw
    /// H·W — the mean over positions.
    case hw
    /// 1 — the raw inner products.
    case none
}

private func gramDivisor(_ layout: ImageLayout, _ normalize: GramNormalization) throws -> Double {
    let divisor: Int
    switch normalize {
    case .chw: divisor = layout.imageSize
    case .hw: divisor = layout.area
    case .none: divisor = 1
    }
    guard divisor > 0 else {
        throw RefvisError("gram_matrix: normalize '\(normalize.rawValue)' divides by 0 for input shape \(formatShape(layout.shape))")
    }
    return Double(divisor)
}

/// The Gram matrix of each image's channels:
///
///     G[a, b] = Σ_p F[a, p] · F[b, p] / norm,   F = x reshaped to (C, H·W)
///
/// with norm = C·H·W (`chw`, neural-style's style features for one image),
/// H·W (`hw`) or 1 (`none`). Shapes: (N, C, H, W) → (N, C, C); (C, H, W) →
/// (C, C). Sums over p run in increasing position order, so G is exactly
/// symmetric.
public func gramMatrix(_ input: Tensor, normalize: GramNormalization = .chw) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "gram_matrix")
    let divisor = try gramDivisor(layout, normalize)
    let (c, area) = (layout.channels, layout.area)
    let x = input.scalars
    var result = [Double](repeating: 0, count: layout.batch * c * c)
    for n in 0..<layout.batch {
        let image = n * c * area
        for a in 0..<c {
            for b in 0..<c {
                var total = 0.0
                for p in 0..<area { total += x[image + a * area + p] * x[image + b * area + p] }
                result[(n * c + a) * c + b] = total / divisor
            }
        }
    }
    return Tensor(shape: layout.perImageShape([c, c]), scalars: result)
}

/// The VJP of `gramMatrix`: F̄[a, p] = Σ_b (Ḡ[a, b] + Ḡ[b, a]) · F[b, p] / norm
/// (each entry of F appears in row a and in column a of G).
public func gramMatrixBackward(_ gradOutput: Tensor, input: Tensor, normalize: GramNormalization = .chw) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "gram_matrix")
    let divisor = try gramDivisor(layout, normalize)
    let (c, area) = (layout.channels, layout.area)
    try gradOutput.requireShape(layout.perImageShape([c, c]), "gram_matrix backward: output gradient")
    let x = input.scalars, g = gradOutput.scalars
    var grad = [Double](repeating: 0, count: x.count)
    for n in 0..<layout.batch {
        let image = n * c * area, block = n * c * c
        for a in 0..<c {
            for b in 0..<c {
                let weight = (g[block + a * c + b] + g[block + b * c + a]) / divisor
                for p in 0..<area { grad[image + a * area + p] += weight * x[image + b * area + p] }
            }
        }
    }
    return Tensor(shape: input.shape, scalars: grad)
}

extension OpRegistry {
    static let gramMatrixOp = OpDefinition(
        name: "gram_matrix",
        summary: "per image G = F F^T / norm, F = (C, H*W), norm = C*H*W, H*W or 1 (Gatys style features; neural-style)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("normalize", GramNormalization.self, default: .chw,
                          "chw: divide by C*H*W (neural-style); hw: by H*W; none: raw inner products"),
        ],
        forward: { inputs, attributes in [try gramMatrix(inputs[0], normalize: attributes.choice(GramNormalization.self, "normalize"))] },
        vjp: { inputs, _, cotangents, attributes in
            [try gramMatrixBackward(cotangents[0], input: inputs[0], normalize: attributes.choice(GramNormalization.self, "normalize"))]
        },
        samples: { rng in
            let configurations: [(shape: [Int], normalize: GramNormalization)] = [
                ([2, 3, 4, 5], .chw), ([1, 4, 3, 3], .hw), ([3, 2, 5], .none), ([2, 1, 2, 3], .chw),
            ]
            return configurations.map { c in
                OpSample("shape=\(formatShape(c.shape)) normalize=\(c.normalize.rawValue)",
                         inputs: [rng.normalTensor(c.shape)], attributes: ["normalize": c.normalize.attributeValue])
            }
        })
}
