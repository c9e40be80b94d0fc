import Foundation

// Softmax and log-softmax along one dimension (torch.nn.functional.softmax,
// torch.nn.functional.log_softmax). Both subtract the maximum along `dim`
// before exponentiating, so that exp never overflows; the sums along `dim`
// add in increasing index order.

/// Calls `body(base, stride, size)` for every line of `shape` along `axis`: the
/// elements of one line are at `base + s·stride` for s in 0..<size.
private func forEachLine(_ shape: [Int], axis: Int, _ body: (_ base: Int, _ stride: Int, _ size: Int) -> Void) {
    let (outer, size, inner) = ReductionAxes.split(shape, at: axis)
    for o in 0..<outer {
        for i in 0..<inner { body(o * size * inner + i, inner, size) }
    }
}

/// The largest element of one line (−inf for an empty line). A nan is skipped
/// here, but the exponential sums that follow still propagate it to the whole line.
private func lineMaximum(_ x: [Double], base: Int, stride: Int, size: Int) -> Double {
    var m = -Double.infinity
    for s in 0..<size { m = max(m, x[base + s * stride]) }
    return m
}

/// yᵢ = exp(xᵢ − m) / Σⱼ exp(xⱼ − m) along `dim`, m the maximum along `dim`.
///
/// Shape: the output has the input's shape; `dim` may be negative (−1 is the last
/// dimension) and a rank-0 input accepts 0 or −1 (giving 1). A line of all −inf
/// gives nan, as PyTorch. Matches `torch.nn.functional.softmax(input, dim)`
/// (the deprecated implicit-dim form is not offered: `dim` is required).
public func softmax(_ input: Tensor, dim: Int) throws -> Tensor {
    let axis = try ReductionAxes.normalize(dim, shape: input.shape, op: "softmax")
    let x = input.scalars
    var y = [Double](repeating: 0, count: x.count)
    forEachLine(input.shape, axis: axis) { base, stride, size in
        let m = lineMaximum(x, base: base, stride: stride, size: size)
        var total = 0.0
        for s in 0..<size {
            let e = Foundation.exp(x[base + s * stride] - m)
            y[base + s * stride] = e
            total += e
        }
        for s in 0..<size { y[base + s * stride] /= total }
    }
    return Tensor(shape: input.shape, scalars: y)
}

/// The VJP of `softmax` from its output y: x̄ᵢ = yᵢ (ȳᵢ − Σⱼ ȳⱼ yⱼ) along `dim`.
public func softmaxBackward(_ gradOutput: Tensor, output: Tensor, dim: Int) throws -> Tensor {
    try gradOutput.requireShape(output.shape, "softmax backward: output gradient")
    let axis = try ReductionAxes.normalize(dim, shape: output.shape, op: "softmax")
    let y = output.scalars, g = gradOutput.scalars
    var result = [Double](repeating: 0, count: y.count)
    forEachLine(output.shape, axis: axis) { base, stride, size in
        var dot = 0.0
        for s in 0..<size { dot += g[base + s * stride] * y[base + s * stride] }
        for s in 0..<size {
            let k = base + s * stride
            result[k] = y[k] * (g[k] - dot)
        }
    }
    return Tensor(shape: output.shape, scalars: result)
}

/// yᵢ = xᵢ − m − log Σⱼ exp(xⱼ − m) along `dim`, m the maximum along `dim`.
///
/// Shapes and dims as `softmax`; computed directly rather than as log(softmax)
/// so that very negative entries keep their precision. Matches
/// `torch.nn.functional.log_softmax(input, dim)`.
public func logSoftmax(_ input: Tensor, dim: Int) throws -> Tensor {
    let axis = try ReductionAxes.normalize(dim, shape: input.shape, op: "log_softmax")
    let x = input.scalars
    var y = [Double](repeating: 0, count: x.count)
    forEachLine(input.shape, axis: axis) { base, stride, size in
        let m = lineMaximum(x, base: base, stride: stride, size: size)
        var total = 0.0
        for s in 0..<size { total += Foundation.exp(x[base + s * stride] - m) }
        let logSum = Foundation.log(total)
        for s in 0..<size { y[base + s * stride] = (x[base + s * stride] - m) - logSum }
    }
    return Tensor(shape: input.shape, scalars: y)
}

/// The VJP of `log_softmax` from its output y: x̄ᵢ = ȳᵢ − exp(yᵢ) Σⱼ ȳⱼ along `dim`.
public func logSoftmaxBackward(_ gradOutput: Tensor, output: Tensor, dim: Int) throws -> Tensor {
    try gradOutput.requireShape(output.shape, "log_softmax backward: output gradient")
    let axis = try ReductionAxes.normalize(dim, shape: output.shape, op: "log_softmax")
    let y = output.scalars, g = gradOutput.scalars
    var result = [Double](repeating: 0, count: y.count)
    forEachLine(output.shape, axis: axis) { base, stride, size in
        var total = 0.0
        for s in 0..<size { total += g[base + s * stride] }
        for s in 0..<size {
            let k = base + s * stride
            result[k] = g[k] - Foundation.exp(y[k]) * total
        }
    }
    return Tensor(shape: output.shape, scalars: result)
}

/// The registry entry of softmax or log_softmax: one required `dim` attribute.
private func softmaxLikeOp(_ name: String, _ summary: String,
                           forward: @escaping @Sendable (Tensor, Int) throws -> Tensor,
                           backward: @escaping @Sendable (Tensor, Tensor, Int) throws -> Tensor) -> OpDefinition {
    OpDefinition(
        name: name, summary: summary, inputs: [OpInput("input")],
        attributes: [AttributeSpec("dim", .int, default: nil, "the dimension to normalise along; negative counts from the end")],
        forward: { inputs, attributes in [try forward(inputs[0], attributes.int("dim"))] },
        vjp: { _, outputs, cotangents, attributes in
            [try backward(cotangents[0], outputs[0], attributes.int("dim"))]
        },
        samples: { rng in
            let configurations: [(shape: [Int], dim: Int)] = [
                ([5], 0), ([2, 3], 0), ([2, 3], -1), ([2, 3, 4], 1), ([2, 3, 4], -1), ([1, 2, 3, 3], -3),
            ]
            return configurations.map { c in
                // Spread 2 keeps probabilities away from 0 and 1, where the Jacobian is tiny.
                OpSample("shape=\(formatShape(c.shape)) dim=\(c.dim)",
                         inputs: [rng.normalTensor(c.shape, std: 2)], attributes: ["dim": .int(c.dim)])
            }
        })
}

extension OpRegistry {
    static let softmaxOps: [OpDefinition] = [
        softmaxLikeOp("softmax", "y = exp(x - max) / sum exp(x - max) along dim (torch.nn.functional.softmax)",
                      forward: { try softmax($0, dim: $1) },
                      backward: { try softmaxBackward($0, output: $1, dim: $2) }),
        softmaxLikeOp("log_softmax", "y = x - max - log sum exp(x - max) along dim (torch.nn.functional.log_softmax)",
                      forward: { try logSoftmax($0, dim: $1) },
                      backward: { try logSoftmaxBackward($0, output: $1, dim: $2) }),
    ]
}
