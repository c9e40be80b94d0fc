// The affine map of a fully connected layer (torch.nn.functional.linear).

/// The shapes of a `linear` call, checked: input (…, in), weight (out, in), and
/// a bias that broadcasts to the output (…, out) without changing its shape.
private struct LinearShapes {
    let rows: Int, inFeatures: Int, outFeatures: Int
    let outputShape: [Int]

    init(input: [Int], weight: [Int], bias: [Int]?) throws {
        guard !input.isEmpty else {
            throw RefvisError("linear: input must have at least 1 dimension (…, in_features), got shape \(formatShape(input))")
        }
        inFeatures = input[input.count - 1]
        guard weight.count == 2 else {
            throw RefvisError("linear: weight must have shape (out_features, in_features) = (out, \(inFeatures)), got \(formatShape(weight))")
        }
        guard weight[1] == inFeatures else {
            throw RefvisError("linear: weight \(formatShape(weight)) does not fit input \(formatShape(input)): "
                              + "weight needs \(inFeatures) columns (in_features = the input's last dimension)")
        }
        outFeatures = weight[0]
        rows = input.dropLast().reduce(1, *)
        outputShape = input.dropLast() + [outFeatures]
        _ = try Tensor.checkedElementCount(outputShape, context: "linear output")
        if let bias {
            let broadcast = try? Broadcast.shape(outputShape, bias, context: "linear")
            guard broadcast == outputShape else {
                throw RefvisError("linear: bias \(formatShape(bias)) does not broadcast to the output \(formatShape(outputShape)) "
                                  + "(expected (\(outFeatures),))")
            }
        }
    }
}

/// y = x Wᵀ + b: y[…, o] = Σᵢ x[…, i]·W[o, i] + b[o].
///
/// Shapes: input (…, in_features) with any number (≥ 0) of leading dimensions,
/// weight (out_features, in_features), bias (out_features,) or `nil` — any bias
/// shape that broadcasts to the output without enlarging it is accepted, as in
/// PyTorch. Output (…, out_features). The sum over i runs in increasing i from 0,
/// then the bias is added. Matches `torch.nn.functional.linear(input, weight, bias)`
/// (refvis requires a 2-D weight; PyTorch also accepts a 1-D one).
public func linear(_ input: Tensor, _ weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    let s = try LinearShapes(input: input.shape, weight: weight.shape, bias: bias?.shape)
    let weightTransposed = MatrixKernels.transpose(weight.scalars, count: 1, rows: s.outFeatures, columns: s.inFeatures)
    let product = MatrixKernels.multiply(input.scalars, weightTransposed, n: s.rows, k: s.inFeatures, m: s.outFeatures)
    let y = Tensor(shape: s.outputShape, scalars: product)
    guard let bias else { return y }
    return try add(y, bias)
}

/// The VJP of `linear`: x̄ = ȳ W (…, in), W̄ = ȳᵀ x summed over all leading
/// positions (out, in), b̄ = ȳ summed back to the bias shape (`nil` without bias).
public func linearBackward(_ gradOutput: Tensor, _ input: Tensor, _ weight: Tensor,
                           bias: Tensor? = nil) throws -> (input: Tensor, weight: Tensor, bias: Tensor?) {
    let s = try LinearShapes(input: input.shape, weight: weight.shape, bias: bias?.shape)
    try gradOutput.requireShape(s.outputShape, "linear backward: output gradient")
    let gradInput = MatrixKernels.multiply(gradOutput.scalars, weight.scalars, n: s.rows, k: s.outFeatures, m: s.inFeatures)
    let gradTransposed = MatrixKernels.transpose(gradOutput.scalars, count: 1, rows: s.rows, columns: s.outFeatures)
    let gradWeight = MatrixKernels.multiply(gradTransposed, input.scalars, n: s.outFeatures, k: s.rows, m: s.inFeatures)
    return (Tensor(shape: input.shape, scalars: gradInput),
            Tensor(shape: weight.shape, scalars: gradWeight),
            bias.map { Broadcast.reduce(gradOutput, to: $0.shape) })
}

extension OpRegistry {
    static let linearOps: [OpDefinition] = [
        OpDefinition(
            name: "linear", summary: "y = x W^T + b; input (..., in), weight (out, in), bias (out,) (torch.nn.functional.linear)",
            inputs: [OpInput("input"), OpInput("weight"), OpInput("bias", optional: true)],
            // Linear in input and weight separately, affine in bias.
            linearIn: ["input", "weight", "bias"],
            forward: { inputs, _ in
                [try linear(inputs[0], inputs[1], bias: inputs.count > 2 ? inputs[2] : nil)]
            },
            vjp: { inputs, _, cotangents, _ in
                let (x, w, b) = try linearBackward(cotangents[0], inputs[0], inputs[1], bias: inputs.count > 2 ? inputs[2] : nil)
                return inputs.count > 2 ? [x, w, b] : [x, w]
            },
            samples: { rng in
                let configurations: [(input: [Int], weight: [Int], bias: [Int]?)] = [
                    ([2, 3], [4, 3], [4]),
                    ([5], [2, 5], [2]),          // a single vector
                    ([2, 3, 4], [3, 4], nil),    // extra leading dimension, no bias
                    ([3, 2], [5, 2], []),        // scalar bias, broadcast
                    ([1, 2, 3], [1, 3], [1]),
                ]
                return configurations.map { c in
                    var inputs = [rng.normalTensor(c.input), rng.normalTensor(c.weight)]
                    if let bias = c.bias { inputs.append(rng.normalTensor(bias)) }
                    return OpSample("input=\(formatShape(c.input)) weight=\(formatShape(c.weight)) bias=\(c.bias.map(formatShape) ?? "none")",
                                    inputs: inputs)
                }
            }),
    ]
}
