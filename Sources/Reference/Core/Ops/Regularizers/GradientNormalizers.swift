// The gradient normalizers of gradient-ascent feature visualization: each
// image's gradient is divided by one statistic of itself before the step, so
// that the step size does not depend on the gradient's scale.
//
// - l2_normalize: the Keras seed's `tf.math.l2_normalize(grads)`.
// - std_normalize: MATLAB deepDreamImage's iNormalizeGradient,
//   `gradient ./ (std(gradient) + 1e-9)` per image (correction 1), and the
//   TensorFlow 2 DeepDream tutorial's `gradients /= tf.math.reduce_std(gradients) + 1e-8`
//   (correction 0, epsilon 1e-8).
// - mean_abs_normalize: the PyTorch DeepDream idiom `g /= g.abs().mean() + 1e-8`
//   (Caffe's DeepDream notebook divides by `np.abs(g).mean()` without epsilon).
//
// All three take (N, C, H, W) or (C, H, W) and compute their statistic per
// image over C·H·W elements; for a single image (the seeds' case) that is the
// statistic of the whole tensor. They are registered as differentiable ops
// for uniformity, although the optimizers apply them to gradients only.

/// Calls `body(range)` with the flat index range of each image.
private func forEachImage(_ layout: ImageLayout, _ body: (Range<Int>) -> Void) {
    for n in 0..<layout.batch { body(n * layout.imageSize..<(n + 1) * layout.imageSize) }
}

// MARK: l2_normalize

/// y = x / √(max(Σ x², ε)) per image: `tf.math.l2_normalize(x, axis=[1, 2, 3], epsilon)`,
/// and for one image `tf.math.l2_normalize(x)` as the Keras seed calls it.
/// An image with Σ x² ≤ ε is divided by √ε. ε must be > 0.
public func l2Normalize(_ input: Tensor, epsilon: Double = 1e-12) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "l2_normalize")
    try requirePositive(epsilon, "l2_normalize")
    var y = input.scalars
    forEachImage(layout) { range in
        var squares = 0.0
        for k in range { squares += y[k] * y[k] }
        let norm = max(squares, epsilon).squareRoot()
        for k in range { y[k] /= norm }
    }
    return Tensor(shape: input.shape, scalars: y)
}

/// The VJP of `l2Normalize`: with s = Σ x² of the image, x̄ = ȳ/√s − x·(Σ ȳx)/s^{3/2}
/// where s > ε, and x̄ = ȳ/√ε where the floor holds (the gradient of the
/// maximum goes to the larger argument).
public func l2NormalizeBackward(_ gradOutput: Tensor, input: Tensor, epsilon: Double = 1e-12) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "l2_normalize")
    try requirePositive(epsilon, "l2_normalize")
    try gradOutput.requireShape(input.shape, "l2_normalize backward: output gradient")
    let x = input.scalars, g = gradOutput.scalars
    var grad = [Double](repeating: 0, count: x.count)
    forEachImage(layout) { range in
        var squares = 0.0, dot = 0.0
        for k in range {
            squares += x[k] * x[k]
            dot += g[k] * x[k]
        }
        if squares > epsilon {
            let norm = squares.squareRoot()
            let radial = dot / (squares * norm)
            for k in range { grad[k] = g[k] / norm - x[k] * radial }
        } else {
            let norm = epsilon.squareRoot()
            for k in range { grad[k] = g[k] / norm }
        }
    }
    return Tensor(shape: input.shape, scalars: grad)
}

// MARK: std_normalize

/// The standard deviation of `x[range]` with Bessel-style `correction`, and the mean.
private func standardDeviation(_ x: [Double], _ range: Range<Int>, correction: Int) -> (std: Double, mean: Double) {
    var total = 0.0
    for k in range { total += x[k] }
    let mean = total / Double(range.count)
    var squares = 0.0
    for k in range { squares += (x[k] - mean) * (x[k] - mean) }
    return ((squares / Double(range.count - correction)).squareRoot(), mean)
}

private func checkStdNormalize(_ layout: ImageLayout, correction: Int, epsilon: Double) throws {
    guard correction >= 0 else {
        throw RefvisError.usage("std_normalize: attribute 'correction' must be >= 0, got \(correction)")
    }
    guard epsilon >= 0, epsilon.isFinite else {
        throw RefvisError.usage("std_normalize: attribute 'epsilon' must be a finite number >= 0, got \(formatDouble(epsilon))")
    }
    guard layout.imageSize > correction else {
        throw RefvisError("std_normalize: each image needs more than correction = \(correction) elements, got \(layout.imageSize) (input shape \(formatShape(layout.shape)))")
    }
}

/// y = x / (s + ε) per image, s = √(Σ (x − x̄)² / (m − correction)) over the
/// image's m = C·H·W elements. The gradient is divided, not centred. With
/// the defaults (correction 1, ε = 1e-9) this is MATLAB deepDreamImage's
/// iNormalizeGradient, `gradient ./ (std(reshape(gradient, [], N)) + 1e-9)`;
/// correction 0 and ε = 1e-8 give the TensorFlow DeepDream tutorial's
/// `gradients / (tf.math.reduce_std(gradients) + 1e-8)`.
public func stdNormalize(_ input: Tensor, correction: Int = 1, epsilon: Double = 1e-9) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "std_normalize")
    try checkStdNormalize(layout, correction: correction, epsilon: epsilon)
    var y = input.scalars
    forEachImage(layout) { range in
        let divisor = standardDeviation(y, range, correction: correction).std + epsilon
        for k in range { y[k] /= divisor }
    }
    return Tensor(shape: input.shape, scalars: y)
}

/// The VJP of `stdNormalize`: with d = s + ε and ∂s/∂xₖ = (xₖ − x̄) / ((m − correction)·s),
/// x̄ₖ = ȳₖ/d − (Σᵢ ȳᵢxᵢ)/d² · (xₖ − x̄)/((m − correction)·s). For a constant
/// image (s = 0, where s is not differentiable) the second term is taken as 0.
public func stdNormalizeBackward(_ gradOutput: Tensor, input: Tensor, correction: Int = 1, epsilon: Double = 1e-9) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "std_normalize")
    try checkStdNormalize(layout, correction: correction, epsilon: epsilon)
    try gradOutput.requireShape(input.shape, "std_normalize backward: output gradient")
    let x = input.scalars, g = gradOutput.scalars
    var grad = [Double](repeating: 0, count: x.count)
    forEachImage(layout) { range in
        let (s, mean) = standardDeviation(x, range, correction: correction)
        let d = s + epsilon
        var dot = 0.0
        for k in range { dot += g[k] * x[k] }
        let spread = s > 0 ? dot / (d * d * Double(range.count - correction) * s) : 0
        for k in range { grad[k] = g[k] / d - spread * (x[k] - mean) }
    }
    return Tensor(shape: input.shape, scalars: grad)
}

// MARK: mean_abs_normalize

/// y = x / (mean|x| + ε) per image — the DeepDream step normalization
/// `g /= g.abs().mean() + 1e-8`. ε must be ≥ 0.
public func meanAbsNormalize(_ input: Tensor, epsilon: Double = 1e-8) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "mean_abs_normalize")
    try requireNonNegative(epsilon, "mean_abs_normalize")
    var y = input.scalars
    forEachImage(layout) { range in
        var total = 0.0
        for k in range { total += abs(y[k]) }
        let divisor = total / Double(range.count) + epsilon
        for k in range { y[k] /= divisor }
    }
    return Tensor(shape: input.shape, scalars: y)
}

/// The VJP of `meanAbsNormalize`: with d = mean|x| + ε,
/// x̄ₖ = ȳₖ/d − (Σᵢ ȳᵢxᵢ)/d² · sign(xₖ)/m (sign(0) = 0, as torch.abs).
public func meanAbsNormalizeBackward(_ gradOutput: Tensor, input: Tensor, epsilon: Double = 1e-8) throws -> Tensor {
    let layout = try ImageLayout(input.shape, op: "mean_abs_normalize")
    try requireNonNegative(epsilon, "mean_abs_normalize")
    try gradOutput.requireShape(input.shape, "mean_abs_normalize backward: output gradient")
    let x = input.scalars, g = gradOutput.scalars
    var grad = [Double](repeating: 0, count: x.count)
    forEachImage(layout) { range in
        var total = 0.0, dot = 0.0
        for k in range {
            total += abs(x[k])
            dot += g[k] * x[k]
        }
        let d = total / Double(range.count) + epsilon
        let spread = dot / (d * d * Double(range.count))
        for k in range {
            let sign: Double = x[k] > 0 ? 1 : (x[k] < 0 ? -1 : 0)
            grad[k] = g[k] / d - spread * sign
        }
    }
    return Tensor(shape: input.shape, scalars: grad)
}

// MARK: Checks and registry

private func requirePositive(_ epsilon: Double, _ op: String) throws {
    guard epsilon > 0, epsilon.isFinite else {
        throw RefvisError.usage("\(op): attribute 'epsilon' must be a finite number > 0, got \(formatDouble(epsilon))")
    }
}

private func requireNonNegative(_ epsilon: Double, _ op: String) throws {
    guard epsilon >= 0, epsilon.isFinite else {
        throw RefvisError.usage("\(op): attribute 'epsilon' must be a finite number >= 0, got \(formatDouble(epsilon))")
    }
}

/// Image shapes for the normalizers' samples: a batch of odd sizes, one image, a 1×1 batch.
private let normalizerShapes: [[Int]] = [[2, 3, 3, 2], [3, 2, 3], [1, 1, 2, 5]]

extension OpRegistry {
    static let gradientNormalizerOps: [OpDefinition] = [
        OpDefinition(
            name: "l2_normalize",
            summary: "per image x / sqrt(max(sum x^2, epsilon)) (tf.math.l2_normalize over C, H, W; the Keras seed's gradient step)",
            inputs: [OpInput("input")],
            attributes: [AttributeSpec("epsilon", .double, default: .double(1e-12), "floor under the sum of squares (> 0)")],
            forward: { inputs, attributes in [try l2Normalize(inputs[0], epsilon: attributes.double("epsilon"))] },
            vjp: { inputs, _, cotangents, attributes in
                [try l2NormalizeBackward(cotangents[0], input: inputs[0], epsilon: attributes.double("epsilon"))]
            },
            samples: { rng in
                var samples = normalizerShapes.map { shape in
                    OpSample("shape=\(formatShape(shape))", inputs: [rng.normalTensor(shape)])
                }
                // Small images below the floor (Σx² ≈ 0.0016 < 0.01): x / 0.1, linear there.
                samples.append(OpSample("shape=(1, 1, 2, 2) epsilon=0.01 floored",
                                        inputs: [rng.uniformTensor([1, 1, 2, 2], -0.02, 0.02)],
                                        attributes: ["epsilon": .double(0.01)]))
                return samples
            }),
        OpDefinition(
            name: "std_normalize",
            summary: "per image x / (std(x) + epsilon), std with correction (MATLAB deepDreamImage iNormalizeGradient; correction=0, epsilon=1e-8: TF DeepDream)",
            inputs: [OpInput("input")],
            attributes: [
                AttributeSpec("correction", .int, default: .int(1), "divide the squares by m - correction (1: MATLAB std, torch.std; 0: tf.math.reduce_std)"),
                AttributeSpec("epsilon", .double, default: .double(1e-9), "added to the standard deviation (>= 0)"),
            ],
            forward: { inputs, attributes in
                [try stdNormalize(inputs[0], correction: attributes.int("correction"), epsilon: attributes.double("epsilon"))]
            },
            vjp: { inputs, _, cotangents, attributes in
                [try stdNormalizeBackward(cotangents[0], input: inputs[0], correction: attributes.int("correction"),
                                          epsilon: attributes.double("epsilon"))]
            },
            samples: { rng in
                var samples = normalizerShapes.map { shape in
                    OpSample("shape=\(formatShape(shape))", inputs: [rng.normalTensor(shape)])
                }
                samples.append(OpSample("shape=(2, 2, 2, 3) correction=0 epsilon=1e-8",
                                        inputs: [rng.normalTensor([2, 2, 2, 3], mean: 0.5)],
                                        attributes: ["correction": .int(0), "epsilon": .double(1e-8)]))
                samples.append(OpSample("shape=(1, 2, 2, 2) epsilon=0.5",
                                        inputs: [rng.normalTensor([1, 2, 2, 2])], attributes: ["epsilon": .double(0.5)]))
                return samples
            }),
        OpDefinition(
            name: "mean_abs_normalize",
            summary: "per image x / (mean|x| + epsilon) (the DeepDream step g /= g.abs().mean() + 1e-8)",
            inputs: [OpInput("input")],
            attributes: [AttributeSpec("epsilon", .double, default: .double(1e-8), "added to the mean absolute value (>= 0)")],
            forward: { inputs, attributes in [try meanAbsNormalize(inputs[0], epsilon: attributes.double("epsilon"))] },
            vjp: { inputs, _, cotangents, attributes in
                [try meanAbsNormalizeBackward(cotangents[0], input: inputs[0], epsilon: attributes.double("epsilon"))]
            },
            samples: { rng in
                // |x| ≥ 0.2: away from the kink of |x| at 0.
                var samples = normalizerShapes.map { shape in
                    OpSample("shape=\(formatShape(shape))", inputs: [valuesAwayFromZero(shape, &rng)])
                }
                samples.append(OpSample("shape=(1, 2, 2, 2) epsilon=0.25",
                                        inputs: [valuesAwayFromZero([1, 2, 2, 2], &rng)], attributes: ["epsilon": .double(0.25)]))
                return samples
            }),
    ]
}
