// color_decorrelate: a matrix applied to the channel vector of every pixel —
// Lucid's `_linear_decorelate_color` and Lucent's `_linear_decorrelate_color`
// (lucid/optvis/param/color.py, lucent/optvis/param/color.py), with the matrix
// an input instead of a constant, so that it can be estimated or optimized.

/// The shapes of one call: input (N, C, *), matrix (K, C), output (N, K, *).
private struct ChannelMixShapes {
    let batch: Int
    let inChannels: Int
    let outChannels: Int
    /// Pixels per image: the product of the dimensions after the channel dimension.
    let pixels: Int
    let outputShape: [Int]

    init(input: [Int], matrix: [Int]) throws {
        guard input.count >= 2 else {
            throw RefvisError("color_decorrelate: input must be (N, C, ...) with channels in dimension 1, got shape \(formatShape(input))")
        }
        guard matrix.count == 2 else {
            throw RefvisError("color_decorrelate: matrix must be 2-d (K, C), got shape \(formatShape(matrix))")
        }
        guard matrix[1] == input[1] else {
            throw RefvisError("color_decorrelate: the matrix \(formatShape(matrix)) needs \(matrix[1]) input channels, but input \(formatShape(input)) has \(input[1])")
        }
        batch = input[0]
        inChannels = input[1]
        outChannels = matrix[0]
        pixels = Tensor.elementCount(Array(input.dropFirst(2)))
        outputShape = [input[0], matrix[0]] + input.dropFirst(2)
        _ = try Tensor.checkedElementCount(outputShape, context: "color_decorrelate output")
    }
}

/// Mixes the channels of every pixel with a matrix M:
///
///     y[n, k, p] = Σ_c M[k, c] · x[n, c, p]          (c in increasing order)
///
/// i.e. rgb = M·t for each pixel's channel vector t. Shapes: input (N, C, *) (an NCHW
/// image, or any rank ≥ 2 with channels in dimension 1), matrix (K, C), output (N, K, *).
/// Matches Lucid's `_linear_decorelate_color` — `reshape(t, [-1, 3]) @ Mᵀ` on NHWC —
/// and Lucent's `(t.permute(0, 2, 3, 1) @ Mᵀ).permute(0, 3, 1, 2)` on NCHW, with M the
/// normalized colour correlation square root (`ColorCorrelation.lucidNormalized`).
/// Linear in the input and, separately, in the matrix.
public func colorDecorrelate(_ input: Tensor, _ matrix: Tensor) throws -> Tensor {
    let s = try ChannelMixShapes(input: input.shape, matrix: matrix.shape)
    let x = input.scalars, m = matrix.scalars
    var y = [Double](repeating: 0, count: s.batch * s.outChannels * s.pixels)
    for n in 0..<s.batch {
        for k in 0..<s.outChannels {
            let out = (n * s.outChannels + k) * s.pixels
            for c in 0..<s.inChannels {
                let weight = m[k * s.inChannels + c]
                let source = (n * s.inChannels + c) * s.pixels
                for p in 0..<s.pixels { y[out + p] += weight * x[source + p] }
            }
        }
    }
    return Tensor(shape: s.outputShape, scalars: y)
}

/// The VJP of `colorDecorrelate`:
///
///     x̄[n, c, p] = Σ_k M[k, c] · ȳ[n, k, p]              (Mᵀ on every pixel)
///     M̄[k, c]    = Σ_n Σ_p ȳ[n, k, p] · x[n, c, p]       (n, then p, increasing)
public func colorDecorrelateBackward(_ gradOutput: Tensor, input: Tensor, matrix: Tensor) throws -> (input: Tensor, matrix: Tensor) {
    let s = try ChannelMixShapes(input: input.shape, matrix: matrix.shape)
    try gradOutput.requireShape(s.outputShape, "color_decorrelate backward: output gradient")
    let x = input.scalars, m = matrix.scalars, g = gradOutput.scalars
    var gradInput = [Double](repeating: 0, count: x.count)
    var gradMatrix = [Double](repeating: 0, count: m.count)
    for n in 0..<s.batch {
        for c in 0..<s.inChannels {
            let target = (n * s.inChannels + c) * s.pixels
            for k in 0..<s.outChannels {
                let weight = m[k * s.inChannels + c]
                let source = (n * s.outChannels + k) * s.pixels
                var dot = 0.0
                for p in 0..<s.pixels {
                    gradInput[target + p] += weight * g[source + p]
                    dot += g[source + p] * x[target + p]
                }
                gradMatrix[k * s.inChannels + c] += dot
            }
        }
    }
    return (Tensor(shape: input.shape, scalars: gradInput), Tensor(shape: matrix.shape, scalars: gradMatrix))
}

extension OpRegistry {
    static let colorDecorrelateOp = OpDefinition(
        name: "color_decorrelate",
        summary: "y[n,k,...] = sum_c matrix[k,c] x[n,c,...]: rgb = M t per pixel over dim 1 (Lucid's and Lucent's _linear_decorrelate_color with M an input)",
        inputs: [OpInput("input"), OpInput("matrix")],
        linearIn: ["input", "matrix"],
        forward: { inputs, _ in [try colorDecorrelate(inputs[0], inputs[1])] },
        vjp: { inputs, _, cotangents, _ in
            let (input, matrix) = try colorDecorrelateBackward(cotangents[0], input: inputs[0], matrix: inputs[1])
            return [input, matrix]
        },
        samples: { rng in
            let cases: [(input: [Int], matrix: [Int])] = [
                ([1, 3, 2, 3], [3, 3]),   // an RGB image, Lucid's case
                ([2, 3, 3, 2], [3, 3]),   // a batch
                ([2, 3, 4], [3, 3]),      // rank 3: (N, C, L)
                ([1, 4, 2, 2], [3, 4]),   // four channels to three
                ([2, 1, 3, 1], [2, 1]),   // one channel to two
                ([3, 2], [2, 2]),         // rank 2: one pixel per sample
            ]
            return cases.map { c in
                OpSample("input=\(formatShape(c.input)) matrix=\(formatShape(c.matrix))",
                         inputs: [rng.normalTensor(c.input), rng.normalTensor(c.matrix)])
            }
        })
}
