// Sums and means over a set of dimensions (torch.sum, torch.mean).
//
// Summation order: every output element adds its inputs one at a time, starting
// from 0, in increasing flat (row-major) index of the input. The result is thus
// reproducible bit for bit; PyTorch sums in a different (vectorised, cascaded)
// order, so the two agree to rounding, not bitwise.

/// The shapes of a reduction over `dim`: the kept shape (reduced dimensions
/// set to 1, as with `keepdim=True`), the output shape, and how many input
/// elements each output element gathers.
private struct ReductionShapes {
    let kept: [Int]
    let output: [Int]
    let groupSize: Int

    init(_ shape: [Int], dim: [Int]?, keepdim: Bool, op: String) throws {
        let mask = try ReductionAxes.mask(dim, shape: shape, op: op)
        var kept = shape, output = [Int](), groupSize = 1
        for axis in shape.indices {
            if mask[axis] {
                kept[axis] = 1
                groupSize *= shape[axis]
            } else {
                output.append(shape[axis])
            }
        }
        self.kept = kept
        self.output = keepdim ? kept : output
        self.groupSize = groupSize
    }
}

/// y = Σ x over the dimensions `dim` (all of them when `dim` is `nil` or empty).
///
/// Shapes: input (d₀, …, dₙ₋₁); the output drops the reduced dimensions, or keeps
/// them with size 1 when `keepdim`. Reducing everything without `keepdim` gives
/// shape `()`. Negative dims count from the end; repeated dims are refused.
/// A reduction over an empty dimension gives 0. Matches `torch.sum(input, dim, keepdim)`,
/// including `dim=[]` meaning all dimensions; summation order as in the file header.
public func sum(_ input: Tensor, dim: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
    let shapes = try ReductionShapes(input.shape, dim: dim, keepdim: keepdim, op: "sum")
    // `Broadcast.reduce` is exactly this sum: the adjoint of broadcasting the kept shape.
    return Broadcast.reduce(input, to: shapes.kept).reshaped(shapes.output)
}

/// The VJP of `sum`: x̄ = ȳ repeated along the reduced dimensions (shape of the input).
public func sumBackward(_ gradOutput: Tensor, inputShape: [Int], dim: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
    let shapes = try ReductionShapes(inputShape, dim: dim, keepdim: keepdim, op: "sum")
    try gradOutput.requireShape(shapes.output, "sum backward: output gradient")
    return Broadcast.expand(gradOutput.reshaped(shapes.kept), to: inputShape)
}

/// y = (Σ x) / N over the dimensions `dim`, N the number of elements reduced into
/// each output. Shapes, dims and summation order as `sum`. The mean over an empty
/// dimension is 0/0 = nan, as PyTorch's. Matches `torch.mean(input, dim, keepdim)`.
public func mean(_ input: Tensor, dim: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
    let shapes = try ReductionShapes(input.shape, dim: dim, keepdim: keepdim, op: "mean")
    let count = Double(shapes.groupSize)
    return Broadcast.reduce(input, to: shapes.kept).reshaped(shapes.output).map { $0 / count }
}

/// The VJP of `mean`: x̄ = ȳ / N repeated along the reduced dimensions.
public func meanBackward(_ gradOutput: Tensor, inputShape: [Int], dim: [Int]? = nil, keepdim: Bool = false) throws -> Tensor {
    let shapes = try ReductionShapes(inputShape, dim: dim, keepdim: keepdim, op: "mean")
    try gradOutput.requireShape(shapes.output, "mean backward: output gradient")
    let count = Double(shapes.groupSize)
    return Broadcast.expand(gradOutput.reshaped(shapes.kept).map { $0 / count }, to: inputShape)
}

/// Builds the registry entry of `sum` or `mean`, which share attributes and samples.
private func dimReductionOp(
    _ name: String, _ summary: String,
    forward: @escaping @Sendable (Tensor, [Int]?, Bool) throws -> Tensor,
    backward: @escaping @Sendable (Tensor, [Int], [Int]?, Bool) throws -> Tensor
) -> OpDefinition {
    OpDefinition(
        name: name, summary: summary, inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("dim", .optional(.ints), default: .null,
                          "dimensions to reduce; none or [] reduces all; negative counts from the end"),
            AttributeSpec("keepdim", .bool, default: .bool(false), "keep reduced dimensions with size 1"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            [try forward(inputs[0], attributes.optionalInts("dim"), attributes.bool("keepdim"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try backward(cotangents[0], inputs[0].shape, attributes.optionalInts("dim"), attributes.bool("keepdim"))]
        },
        samples: { rng in
            let configurations: [(shape: [Int], dim: AttributeValue, keepdim: Bool)] = [
                ([5], .null, false),
                ([2, 3, 4], .null, true),
                ([2, 3, 4], .ints([1]), false),
                ([2, 3, 4], .ints([-1]), true),
                ([2, 3, 4], .ints([0, 2]), false),
                ([3, 1, 5], .ints([-3, 1]), true),
                ([2, 3], .ints([]), false),
                ([], .ints([0]), false),
            ]
            return configurations.map { c in
                OpSample("shape=\(formatShape(c.shape)) dim=\(c.dim) keepdim=\(c.keepdim)",
                         inputs: [rng.normalTensor(c.shape)],
                         attributes: ["dim": c.dim, "keepdim": .bool(c.keepdim)])
            }
        })
}

extension OpRegistry {
    static let sumMeanOps: [OpDefinition] = [
        dimReductionOp("sum", "y = sum of x over dim (all if none), keepdim (torch.sum)",
                       forward: { try sum($0, dim: $1, keepdim: $2) },
                       backward: { try sumBackward($0, inputShape: $1, dim: $2, keepdim: $3) }),
        dimReductionOp("mean", "y = mean of x over dim (all if none), keepdim (torch.mean)",
                       forward: { try mean($0, dim: $1, keepdim: $2) },
                       backward: { try meanBackward($0, inputShape: $1, dim: $2, keepdim: $3) }),
    ]
}
