// resize_bilinear_nd: Lucid's `resize_bilinear_nd` (lucid/optvis/param/resize_bilinear_nd.py),
// the upsampling behind `lowres_tensor`. Lucid resizes two dimensions at a time with
// TensorFlow 1's `tf.compat.v1.image.resize_bilinear` at its defaults
// (align_corners=False, half_pixel_centers=False). That resize is a tensor product of
// one 1-D linear resize per axis, and an axis whose size does not change is copied,
// so the whole function is: the TF1 1-D resize along every axis whose size changes.
//
// PyTorch's interpolate cannot express it: its align_corners=False samples at
// (dst + 0.5)·in/out − 0.5 (half-pixel centres), TF1's legacy resize at dst·in/out
// (top-left aligned, so the last output pixels repeat the last input pixel when
// upsampling), and align_corners=True uses (in − 1)/(out − 1).

/// The TF1 legacy linear resize of one axis from `inputSize` to `outputSize`:
/// output j reads `lower[j]` and `upper[j]` with weights 1 − lerp[j] and lerp[j].
private struct LegacyLinearAxis {
    let inputSize: Int
    let outputSize: Int
    let lower: [Int]
    let upper: [Int]
    let lerp: [Double]

    /// TF's `compute_interpolation_weights` with `LegacyScaler`: src = j·(in/out),
    /// lower = floor(src), upper = min(ceil(src), in − 1), lerp = src − floor(src).
    /// TF computes src in float32; here it is exact: src = (j·in)/out as a quotient
    /// and remainder of integers. (Bilinear interpolation is continuous in src, so
    /// this changes results only by rounding, never by picking another pixel pair.)
    init(inputSize: Int, outputSize: Int) {
        var lower = [Int](), upper = [Int](), lerp = [Double]()
        for j in 0..<outputSize {
            let numerator = j * inputSize
            let floor = numerator / outputSize, remainder = numerator % outputSize
            lower.append(floor)
            upper.append(remainder == 0 ? floor : min(floor + 1, inputSize - 1))
            lerp.append(Double(remainder) / Double(outputSize))
        }
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.lower = lower
        self.upper = upper
        self.lerp = lerp
    }

    /// y[o, j, i] = a + (b − a)·lerp[j] with a = x[o, lower[j], i], b = x[o, upper[j], i]
    /// (TF's form of the interpolation), for x viewed as (outer, inputSize, inner).
    func forward(_ x: [Double], outer: Int, inner: Int) -> [Double] {
        var y = [Double](repeating: 0, count: outer * outputSize * inner)
        for o in 0..<outer {
            for j in 0..<outputSize {
                let a = (o * inputSize + lower[j]) * inner, b = (o * inputSize + upper[j]) * inner
                let out = (o * outputSize + j) * inner, t = lerp[j]
                for i in 0..<inner { y[out + i] = x[a + i] + (x[b + i] - x[a + i]) * t }
            }
        }
        return y
    }

    /// The transpose: x̄[o, lower[j], i] += (1 − lerp[j])·ȳ[o, j, i] and
    /// x̄[o, upper[j], i] += lerp[j]·ȳ[o, j, i], over j in increasing order.
    func backward(_ g: [Double], outer: Int, inner: Int) -> [Double] {
        var x = [Double](repeating: 0, count: outer * inputSize * inner)
        for o in 0..<outer {
            for j in 0..<outputSize {
                let a = (o * inputSize + lower[j]) * inner, b = (o * inputSize + upper[j]) * inner
                let source = (o * outputSize + j) * inner, t = lerp[j]
                for i in 0..<inner {
                    x[a + i] += (1 - t) * g[source + i]
                    x[b + i] += t * g[source + i]
                }
            }
        }
        return x
    }
}

/// The axes to resize, last first, with the shape before each step.
private struct ResizePlan {
    struct Step {
        let axis: Int
        let shapeBefore: [Int]
        let resize: LegacyLinearAxis
        var outer: Int { Tensor.elementCount(Array(shapeBefore[..<axis])) }
        var inner: Int { Tensor.elementCount(Array(shapeBefore[(axis + 1)...])) }
    }

    let steps: [Step]

    init(inputShape: [Int], outputShape: [Int]) throws {
        guard !inputShape.isEmpty, outputShape.count == inputShape.count else {
            throw RefvisError("resize_bilinear_nd: shape needs one size per input dimension (\(inputShape.count) for input \(formatShape(inputShape))), got \(AttributeValue.ints(outputShape))")
        }
        guard outputShape.allSatisfy({ $0 >= 1 }) else {
            throw RefvisError("resize_bilinear_nd: every target size must be at least 1, got shape \(AttributeValue.ints(outputShape))")
        }
        for axis in inputShape.indices where inputShape[axis] != outputShape[axis] && inputShape[axis] < 1 {
            throw RefvisError("resize_bilinear_nd: cannot resize the empty dimension \(axis) of input \(formatShape(inputShape)) to \(outputShape[axis])")
        }
        _ = try Tensor.checkedElementCount(outputShape, context: "resize_bilinear_nd output")
        var steps = [Step]()
        var shape = inputShape
        for axis in inputShape.indices.reversed() where inputShape[axis] != outputShape[axis] {
            steps.append(Step(axis: axis, shapeBefore: shape,
                              resize: LegacyLinearAxis(inputSize: inputShape[axis], outputSize: outputShape[axis])))
            shape[axis] = outputShape[axis]
        }
        self.steps = steps
    }
}

/// Bilinear (multilinear) resize of a tensor of any rank to `shape`, with the
/// semantics of Lucid's `resize_bilinear_nd(t, shape)`: along every axis whose size
/// changes from n to m, output j is
///
///     src = j·n/m,  y_j = x[⌊src⌋] + (x[min(⌈src⌉, n − 1)] − x[⌊src⌋]) · (src − ⌊src⌋)
///
/// (TF1's `resize_bilinear` with align_corners=False, half_pixel_centers=False, per
/// axis); axes of equal size are left alone. Upsampling by k repeats the last input
/// value in the last k − 1 outputs; downsampling by k picks every k-th element.
/// Output shape `shape`; every target size ≥ 1. Linear in the input.
public func resizeBilinearND(_ input: Tensor, shape: [Int]) throws -> Tensor {
    let plan = try ResizePlan(inputShape: input.shape, outputShape: shape)
    var values = input.scalars
    for step in plan.steps { values = step.resize.forward(values, outer: step.outer, inner: step.inner) }
    return Tensor(shape: shape, scalars: values)
}

/// The VJP of `resizeBilinearND`: the per-axis transposes in reverse order, each
/// adding (1 − lerp)·ȳ to the lower and lerp·ȳ to the upper source element.
public func resizeBilinearNDBackward(_ gradOutput: Tensor, inputShape: [Int], shape: [Int]) throws -> Tensor {
    let plan = try ResizePlan(inputShape: inputShape, outputShape: shape)
    try gradOutput.requireShape(shape, "resize_bilinear_nd backward: output gradient")
    var values = gradOutput.scalars
    for step in plan.steps.reversed() { values = step.resize.backward(values, outer: step.outer, inner: step.inner) }
    return Tensor(shape: inputShape, scalars: values)
}

extension OpRegistry {
    static let resizeBilinearNDOp = OpDefinition(
        name: "resize_bilinear_nd",
        summary: "resize every axis whose size changes n -> m by TF1 legacy linear interpolation at src = j*n/m (Lucid's resize_bilinear_nd: tf.image.resize_bilinear, align_corners=False, half_pixel_centers=False)",
        inputs: [OpInput("input")],
        attributes: [AttributeSpec("shape", .ints, default: nil, "the output shape, one size per input dimension")],
        linearIn: ["input"],
        forward: { inputs, attributes in [try resizeBilinearND(inputs[0], shape: attributes.ints("shape"))] },
        vjp: { inputs, _, cotangents, attributes in
            [try resizeBilinearNDBackward(cotangents[0], inputShape: inputs[0].shape, shape: attributes.ints("shape"))]
        },
        samples: { rng in
            let cases: [(input: [Int], output: [Int])] = [
                ([1, 1, 2, 3], [1, 1, 4, 6]),   // lowres_tensor by 2 (NCHW)
                ([1, 2, 3, 2], [1, 2, 7, 5]),   // odd, non-integer ratios
                ([2, 1, 5, 4], [2, 1, 3, 2]),   // downsampling
                ([3, 3, 2], [7, 5, 2]),         // Lucid's HWC use: the first two axes
                ([1, 1, 3, 2], [2, 3, 3, 2]),   // batch and channel axes resized too, as Lucid does
                ([1, 1, 1, 3], [1, 1, 4, 3]),   // from a single row
                ([5], [8]),                     // rank 1
                ([4, 2], [1, 2]),               // down to one element
            ]
            return cases.map { c in
                OpSample("input=\(formatShape(c.input)) shape=\(formatShape(c.output))",
                         inputs: [rng.normalTensor(c.input)], attributes: ["shape": .ints(c.output)])
            }
        })
}
