// Cosine similarity along one dimension (torch.nn.functional.cosine_similarity).
//
// The formula is the one of PyTorch's current ATen implementation (PyTorch ≥ 1.12,
// aten/src/ATen/native/Distance.cpp), which clamps each norm separately:
//
//     y = Σ_d (x1_d / max(‖x1‖, eps)) · (x2_d / max(‖x2‖, eps))
//
// and not the older x1·x2 / max(‖x1‖·‖x2‖, eps) of the documentation. The
// clamp is applied in place under no_grad there, so autograd differentiates the
// norms as if unclamped. refvis's VJP reproduces that gradient exactly:
//
//     with c = max(‖x1‖, eps), c₂ = max(‖x2‖, eps), u = x1 / c, v = x2 / c₂:
//     x̄1_d = ȳ v_d / c  −  (Σ_e ȳ v_e u_e / c) · x1_d / ‖x1‖   (second term 0 when ‖x1‖ = 0)
//
// and symmetrically for x2. While ‖x1‖ ≥ eps this is the true derivative. Below
// eps (in practice only near-zero vectors) it is PyTorch's gradient, which is
// deliberately NOT the derivative of the clamped forward (that would drop the
// second term): refvis follows PyTorch so both backends can be compared.

/// The two inputs broadcast to a common shape and the dimension reduced.
private struct CosineGeometry {
    let shape: [Int]
    let axis: Int
    let x1: [Double]
    let x2: [Double]

    init(_ x1: Tensor, _ x2: Tensor, dim: Int, eps: Double) throws {
        guard !eps.isNaN else { throw RefvisError.usage("cosine_similarity: eps must be a number, got nan") }
        shape = try Broadcast.shape(x1.shape, x2.shape, context: "cosine_similarity")
        _ = try Tensor.checkedElementCount(shape, context: "cosine_similarity")
        axis = try ReductionAxes.normalize(dim, shape: shape, op: "cosine_similarity")
        self.x1 = Broadcast.expand(x1, to: shape).scalars
        self.x2 = Broadcast.expand(x2, to: shape).scalars
    }

    var outputShape: [Int] { ReductionAxes.removing(axis, from: shape) }

    /// Calls `body(output index, base, stride, size)` for every line along the axis.
    func forEachLine(_ body: (_ output: Int, _ base: Int, _ stride: Int, _ size: Int) -> Void) {
        let (outer, size, inner) = ReductionAxes.split(shape, at: axis)
        for o in 0..<outer {
            for i in 0..<inner { body(o * inner + i, o * size * inner + i, inner, size) }
        }
    }
}

/// The Euclidean norm of one line, √(Σ x²) summed in index order.
private func lineNorm(_ x: [Double], base: Int, stride: Int, size: Int) -> Double {
    var total = 0.0
    for s in 0..<size { total += x[base + s * stride] * x[base + s * stride] }
    return total.squareRoot()
}

/// max(norm, eps), passing nan through as `clamp_min` does.
private func clampNorm(_ norm: Double, _ eps: Double) -> Double {
    norm.isNaN || norm >= eps ? norm : eps
}

/// y = Σ_d (x1_d / max(‖x1‖, eps)) · (x2_d / max(‖x2‖, eps)) along `dim`, norms
/// taken along `dim`, each clamped separately (see the file header).
///
/// Shapes: x1 and x2 broadcast together (NumPy rules) to a shape S; the output is
/// S without `dim`. `dim` defaults to 1 and may be negative. Sums run in index
/// order. Matches `torch.nn.functional.cosine_similarity(x1, x2, dim, eps)` of
/// PyTorch ≥ 1.12.
public func cosineSimilarity(_ x1: Tensor, _ x2: Tensor, dim: Int = 1, eps: Double = 1e-8) throws -> Tensor {
    let g = try CosineGeometry(x1, x2, dim: dim, eps: eps)
    var y = [Double](repeating: 0, count: Tensor.elementCount(g.outputShape))
    g.forEachLine { out, base, stride, size in
        let c1 = clampNorm(lineNorm(g.x1, base: base, stride: stride, size: size), eps)
        let c2 = clampNorm(lineNorm(g.x2, base: base, stride: stride, size: size), eps)
        var total = 0.0
        for s in 0..<size {
            let k = base + s * stride
            total += (g.x1[k] / c1) * (g.x2[k] / c2)
        }
        y[out] = total
    }
    return Tensor(shape: g.outputShape, scalars: y)
}

/// The VJP of `cosineSimilarity`: PyTorch's gradient (file header), reduced back
/// to each input's own shape over broadcast dimensions.
public func cosineSimilarityBackward(_ gradOutput: Tensor, _ x1: Tensor, _ x2: Tensor,
                                     dim: Int = 1, eps: Double = 1e-8) throws -> (x1: Tensor, x2: Tensor) {
    let g = try CosineGeometry(x1, x2, dim: dim, eps: eps)
    try gradOutput.requireShape(g.outputShape, "cosine_similarity backward: output gradient")
    let grad = gradOutput.scalars
    var g1 = [Double](repeating: 0, count: g.x1.count)
    var g2 = [Double](repeating: 0, count: g.x2.count)
    g.forEachLine { out, base, stride, size in
        let n1 = lineNorm(g.x1, base: base, stride: stride, size: size)
        let n2 = lineNorm(g.x2, base: base, stride: stride, size: size)
        let c1 = clampNorm(n1, eps), c2 = clampNorm(n2, eps)
        // ∂y/∂c1 and ∂y/∂c2 times ȳ, from y = Σ u_d v_d with u = x1/c1, v = x2/c2.
        var gc1 = 0.0, gc2 = 0.0
        for s in 0..<size {
            let k = base + s * stride
            let u = g.x1[k] / c1, v = g.x2[k] / c2
            g1[k] = (grad[out] * v) / c1
            g2[k] = (grad[out] * u) / c2
            gc1 -= (grad[out] * v) * u / c1
            gc2 -= (grad[out] * u) * v / c2
        }
        // Through the norms, as if unclamped; a zero norm passes nothing (PyTorch's norm backward).
        for s in 0..<size {
            let k = base + s * stride
            if n1 != 0 { g1[k] += g.x1[k] * (gc1 / n1) }
            if n2 != 0 { g2[k] += g.x2[k] * (gc2 / n2) }
        }
    }
    return (Broadcast.reduce(Tensor(shape: g.shape, scalars: g1), to: x1.shape),
            Broadcast.reduce(Tensor(shape: g.shape, scalars: g2), to: x2.shape))
}

extension OpRegistry {
    static let cosineSimilarityOps: [OpDefinition] = [
        OpDefinition(
            name: "cosine_similarity",
            summary: "y = sum (x1/max(|x1|,eps)) (x2/max(|x2|,eps)) along dim, broadcasting (torch.nn.functional.cosine_similarity)",
            inputs: [OpInput("x1"), OpInput("x2")],
            attributes: [
                AttributeSpec("dim", .int, default: .int(1), "the dimension along which the vectors lie"),
                AttributeSpec("eps", .double, default: .double(1e-8), "lower bound of each norm"),
            ],
            forward: { inputs, attributes in
                [try cosineSimilarity(inputs[0], inputs[1], dim: attributes.int("dim"), eps: attributes.double("eps"))]
            },
            vjp: { inputs, _, cotangents, attributes in
                let (g1, g2) = try cosineSimilarityBackward(cotangents[0], inputs[0], inputs[1],
                                                            dim: attributes.int("dim"), eps: attributes.double("eps"))
                return [g1, g2]
            },
            samples: { rng in
                // Vectors of 3 or more normal draws: norms far above eps, so the clamp never acts.
                let configurations: [(x1: [Int], x2: [Int], dim: Int, eps: Double)] = [
                    ([3, 5], [3, 5], 1, 1e-8),
                    ([2, 3], [2, 3], 0, 1e-8),
                    ([2, 3, 4], [3, 1], 1, 1e-8),
                    ([4], [2, 4], -1, 1e-8),
                    ([2, 4, 3], [2, 4, 3], -2, 0.1),
                ]
                return configurations.map { c in
                    OpSample("x1=\(formatShape(c.x1)) x2=\(formatShape(c.x2)) dim=\(c.dim) eps=\(c.eps)",
                             inputs: [rng.normalTensor(c.x1), rng.normalTensor(c.x2)],
                             attributes: ["dim": .int(c.dim), "eps": .double(c.eps)])
                }
            }),
    ]
}
