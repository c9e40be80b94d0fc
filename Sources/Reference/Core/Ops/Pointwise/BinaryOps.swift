// Elementwise arithmetic on two tensors with NumPy broadcasting (torch.add,
// torch.sub, torch.mul, torch.div). The shapes are aligned at their last
// dimension and each pair of sizes must match or be 1; the output has the
// broadcast shape. Each VJP computes the gradient at the broadcast shape and
// sums it back to the input's own shape with `Broadcast.reduce` (in increasing
// flat index order, so it is reproducible).

/// `combine(a, b)` over the broadcast shape of `input` and `other`, or an error naming both shapes.
private func broadcastElementwise(_ input: Tensor, _ other: Tensor, op: String,
                                  _ combine: (Double, Double) -> Double) throws -> Tensor {
    if input.shape == other.shape { return input.zipMap(other, combine) }
    let shape = try Broadcast.shape(input.shape, other.shape, context: op)
    _ = try Tensor.checkedElementCount(shape, context: op)
    let a = Broadcast.sourceOffsets(from: input.shape, to: shape)
    let b = Broadcast.sourceOffsets(from: other.shape, to: shape)
    var result = [Double](repeating: 0, count: a.count)
    for i in 0..<result.count { result[i] = combine(input.scalars[a[i]], other.scalars[b[i]]) }
    return Tensor(shape: shape, scalars: result)
}

/// Checks that an output gradient has the broadcast shape of the two inputs.
private func checkGradient(_ gradOutput: Tensor, _ inputShape: [Int], _ otherShape: [Int], op: String) throws {
    let shape = try Broadcast.shape(inputShape, otherShape, context: op)
    try gradOutput.requireShape(shape, "\(op) backward: output gradient")
}

/// y = input + alpha·other, broadcasting. Matches `torch.add(input, other, alpha=alpha)`.
public func add(_ input: Tensor, _ other: Tensor, alpha: Double = 1) throws -> Tensor {
    if alpha == 1 { return try broadcastElementwise(input, other, op: "add") { $0 + $1 } }
    return try broadcastElementwise(input, other, op: "add") { $0 + alpha * $1 }
}

/// The VJP of `add`: input̄ = Σ ȳ, other̄ = Σ alpha·ȳ, each summed over its broadcast dimensions.
public func addBackward(_ gradOutput: Tensor, inputShape: [Int], otherShape: [Int],
                        alpha: Double = 1) throws -> (input: Tensor, other: Tensor) {
    try checkGradient(gradOutput, inputShape, otherShape, op: "add")
    let scaled = alpha == 1 ? gradOutput : gradOutput.map { alpha * $0 }
    return (Broadcast.reduce(gradOutput, to: inputShape), Broadcast.reduce(scaled, to: otherShape))
}

/// y = input − alpha·other, broadcasting. Matches `torch.sub(input, other, alpha=alpha)`.
public func sub(_ input: Tensor, _ other: Tensor, alpha: Double = 1) throws -> Tensor {
    if alpha == 1 { return try broadcastElementwise(input, other, op: "sub") { $0 - $1 } }
    return try broadcastElementwise(input, other, op: "sub") { $0 - alpha * $1 }
}

/// The VJP of `sub`: input̄ = Σ ȳ, other̄ = Σ −alpha·ȳ over the broadcast dimensions.
public func subBackward(_ gradOutput: Tensor, inputShape: [Int], otherShape: [Int],
                        alpha: Double = 1) throws -> (input: Tensor, other: Tensor) {
    try checkGradient(gradOutput, inputShape, otherShape, op: "sub")
    return (Broadcast.reduce(gradOutput, to: inputShape),
            Broadcast.reduce(gradOutput.map { -alpha * $0 }, to: otherShape))
}

/// y = input · other elementwise, broadcasting. Matches `torch.mul(input, other)`.
public func mul(_ input: Tensor, _ other: Tensor) throws -> Tensor {
    try broadcastElementwise(input, other, op: "mul") { $0 * $1 }
}

/// The VJP of `mul`: input̄ = Σ ȳ·other, other̄ = Σ ȳ·input over the broadcast dimensions.
public func mulBackward(_ gradOutput: Tensor, _ input: Tensor, _ other: Tensor) throws -> (input: Tensor, other: Tensor) {
    try checkGradient(gradOutput, input.shape, other.shape, op: "mul")
    let gradInput = try broadcastElementwise(gradOutput, other, op: "mul backward") { $0 * $1 }
    let gradOther = try broadcastElementwise(gradOutput, input, op: "mul backward") { $0 * $1 }
    return (Broadcast.reduce(gradInput, to: input.shape), Broadcast.reduce(gradOther, to: other.shape))
}

/// y = input / other elementwise (true division), broadcasting. Division by 0
/// gives ±inf or nan as IEEE 754 says. Matches `torch.div(input, other)` with
/// `rounding_mode=None`; the rounding modes ('trunc', 'floor') are not offered.
public func div(_ input: Tensor, _ other: Tensor) throws -> Tensor {
    try broadcastElementwise(input, other, op: "div") { $0 / $1 }
}

/// The VJP of `div`: input̄ = Σ ȳ / other, other̄ = Σ −ȳ·(input / other) / other
/// over the broadcast dimensions (PyTorch's grouping of the second formula).
public func divBackward(_ gradOutput: Tensor, _ input: Tensor, _ other: Tensor) throws -> (input: Tensor, other: Tensor) {
    try checkGradient(gradOutput, input.shape, other.shape, op: "div")
    let gradInput = try broadcastElementwise(gradOutput, other, op: "div backward") { $0 / $1 }
    let quotient = try broadcastElementwise(input, other, op: "div backward") { $0 / $1 }
    let expandedOther = Broadcast.expand(other, to: gradOutput.shape)
    var gradOther = gradOutput
    for i in 0..<gradOther.count {
        gradOther.scalars[i] = -gradOutput.scalars[i] * (quotient.scalars[i] / expandedOther.scalars[i])
    }
    return (Broadcast.reduce(gradInput, to: input.shape), Broadcast.reduce(gradOther, to: other.shape))
}

/// Sample configurations shared by the four ops: equal shapes, one side
/// broadcast, both sides broadcast, a rank-0 operand on either side.
private let binarySampleShapes: [(input: [Int], other: [Int])] = [
    ([2, 3], [2, 3]),
    ([2, 3, 4], [3, 1]),
    ([1], [2, 3]),
    ([], [2, 2]),
    ([4, 1], [3]),
    ([5], []),
]

/// Makes the samples of a binary op; `divisor` draws the values of `other`.
private func binarySamples(_ rng: inout RandomGenerator, alphas: [Double] = [],
                           divisor: ((inout RandomGenerator) -> Double)? = nil) -> [OpSample] {
    var samples = [OpSample]()
    for shapes in binarySampleShapes {
        let input = rng.normalTensor(shapes.input)
        let other: Tensor
        if let divisor {
            other = Tensor(shape: shapes.other, scalars: (0..<Tensor.elementCount(shapes.other)).map { _ in divisor(&rng) })
        } else {
            other = rng.normalTensor(shapes.other)
        }
        samples.append(OpSample("input=\(formatShape(shapes.input)) other=\(formatShape(shapes.other))",
                                inputs: [input, other]))
    }
    for alpha in alphas {
        samples.append(OpSample("input=(2, 3) other=(3,) alpha=\(alpha)",
                                inputs: [rng.normalTensor([2, 3]), rng.normalTensor([3])],
                                attributes: ["alpha": .double(alpha)]))
    }
    return samples
}

/// The registry entry of add or sub: linear in both inputs, with PyTorch's `alpha`.
private func addLikeOp(_ name: String, _ summary: String,
                       forward: @escaping @Sendable (Tensor, Tensor, Double) throws -> Tensor,
                       backward: @escaping @Sendable (Tensor, [Int], [Int], Double) throws -> (input: Tensor, other: Tensor))
    -> OpDefinition {
    OpDefinition(
        name: name, summary: summary, inputs: [OpInput("input"), OpInput("other")],
        attributes: [AttributeSpec("alpha", .double, default: .double(1), "multiplier of other")],
        linearIn: ["input", "other"],
        forward: { inputs, attributes in [try forward(inputs[0], inputs[1], attributes.double("alpha"))] },
        vjp: { inputs, _, cotangents, attributes in
            let (a, b) = try backward(cotangents[0], inputs[0].shape, inputs[1].shape, attributes.double("alpha"))
            return [a, b]
        },
        samples: { rng in binarySamples(&rng, alphas: [2.5, -0.75]) })
}

extension OpRegistry {
    static let binaryOps: [OpDefinition] = [
        addLikeOp("add", "y = input + alpha*other, broadcasting (torch.add)",
                  forward: { try add($0, $1, alpha: $2) },
                  backward: { try addBackward($0, inputShape: $1, otherShape: $2, alpha: $3) }),
        addLikeOp("sub", "y = input - alpha*other, broadcasting (torch.sub)",
                  forward: { try sub($0, $1, alpha: $2) },
                  backward: { try subBackward($0, inputShape: $1, otherShape: $2, alpha: $3) }),
        OpDefinition(
            name: "mul", summary: "y = input * other, broadcasting (torch.mul)",
            inputs: [OpInput("input"), OpInput("other")],
            // Linear in each input with the other held fixed (bilinear).
            linearIn: ["input", "other"],
            forward: { inputs, _ in [try mul(inputs[0], inputs[1])] },
            vjp: { inputs, _, cotangents, _ in
                let (a, b) = try mulBackward(cotangents[0], inputs[0], inputs[1])
                return [a, b]
            },
            samples: { rng in binarySamples(&rng) }),
        OpDefinition(
            name: "div", summary: "y = input / other, broadcasting (torch.div, rounding_mode=None)",
            inputs: [OpInput("input"), OpInput("other")],
            linearIn: ["input"],
            forward: { inputs, _ in [try div(inputs[0], inputs[1])] },
            vjp: { inputs, _, cotangents, _ in
                let (a, b) = try divBackward(cotangents[0], inputs[0], inputs[1])
                return [a, b]
            },
            // Divisors in ±[0.5, 2]: the quotient and its derivatives stay moderate.
            samples: { rng in
                binarySamples(&rng, divisor: { rng in
                    let magnitude = rng.uniform(0.5, 2)
                    return rng.uniform() < 0.5 ? -magnitude : magnitude
                })
            }),
    ]
}
