// The norm penalties of Lucid's objectives (lucid.optvis.objectives.L1 and
// .L2, with batch=None): scalars over a whole tensor, usually subtracted from
// the objective with a small weight.

/// Σᵢ |xᵢ − c| over every element; shape () whatever the input's shape.
/// Lucid's `L1(layer, constant)`: `reduce_sum(abs(T(layer) − constant))`.
public func l1Penalty(_ input: Tensor, constant: Double = 0) -> Tensor {
    var total = 0.0
    for x in input.scalars { total += abs(x - constant) }
    return Tensor(scalar: total)
}

/// The VJP of `l1Penalty`: x̄ᵢ = ḡ · sign(xᵢ − c), with sign(0) = 0 as torch.abs
/// and TF's abs.
public func l1PenaltyBackward(_ gradOutput: Tensor, input: Tensor, constant: Double = 0) throws -> Tensor {
    try gradOutput.requireShape([], "l1_penalty backward: output gradient")
    let g = gradOutput.scalars[0]
    return input.map { x in
        let d = x - constant
        return d > 0 ? g : (d < 0 ? -g : 0)
    }
}

/// √(ε + Σᵢ (xᵢ − c)²) over every element; shape (). Lucid's
/// `L2(layer, constant, epsilon)`: `sqrt(epsilon + reduce_sum((T(layer) − constant)²))`;
/// ε keeps the square root differentiable where x = c everywhere. ε must be ≥ 0.
public func l2Penalty(_ input: Tensor, constant: Double = 0, epsilon: Double = 1e-6) throws -> Tensor {
    try checkPenaltyEpsilon(epsilon)
    var total = 0.0
    for x in input.scalars { total += (x - constant) * (x - constant) }
    return Tensor(scalar: (epsilon + total).squareRoot())
}

/// The VJP of `l2Penalty` from its output y: x̄ᵢ = ḡ · (xᵢ − c) / y.
public func l2PenaltyBackward(_ gradOutput: Tensor, input: Tensor, output: Tensor, constant: Double = 0) throws -> Tensor {
    try gradOutput.requireShape([], "l2_penalty backward: output gradient")
    try output.requireShape([], "l2_penalty backward: output")
    let (g, y) = (gradOutput.scalars[0], output.scalars[0])
    return input.map { g * ($0 - constant) / y }
}

private func checkPenaltyEpsilon(_ epsilon: Double) throws {
    guard epsilon >= 0, epsilon.isFinite else {
        throw RefvisError.usage("l2_penalty: attribute 'epsilon' must be a finite number >= 0, got \(formatDouble(epsilon))")
    }
}

extension OpRegistry {
    static let penaltyOps: [OpDefinition] = [
        OpDefinition(
            name: "l1_penalty",
            summary: "sum |x - constant| over all elements, a scalar (Lucid objectives.L1)",
            inputs: [OpInput("input")],
            attributes: [AttributeSpec("constant", .double, default: .double(0), "the value the penalty pulls toward")],
            forward: { inputs, attributes in [l1Penalty(inputs[0], constant: try attributes.double("constant"))] },
            vjp: { inputs, _, cotangents, attributes in
                [try l1PenaltyBackward(cotangents[0], input: inputs[0], constant: attributes.double("constant"))]
            },
            samples: { rng in
                // x − c in ±[0.2, 2]: away from the kink of |x − c|.
                let configurations: [(shape: [Int], constant: Double)] = [
                    ([5], 0), ([2, 3, 4], 0.5), ([1, 2, 3, 3], -1.25), ([], 2),
                ]
                return configurations.map { c in
                    let shifted = valuesAwayFromZero(c.shape, &rng).map { $0 + c.constant }
                    return OpSample("shape=\(formatShape(c.shape)) constant=\(formatDouble(c.constant))",
                                    inputs: [shifted], attributes: ["constant": .double(c.constant)])
                }
            }),
        OpDefinition(
            name: "l2_penalty",
            summary: "sqrt(epsilon + sum (x - constant)^2) over all elements, a scalar (Lucid objectives.L2)",
            inputs: [OpInput("input")],
            attributes: [
                AttributeSpec("constant", .double, default: .double(0), "the value the penalty pulls toward"),
                AttributeSpec("epsilon", .double, default: .double(1e-6), "added under the square root (>= 0)"),
            ],
            forward: { inputs, attributes in
                [try l2Penalty(inputs[0], constant: attributes.double("constant"), epsilon: attributes.double("epsilon"))]
            },
            vjp: { inputs, outputs, cotangents, attributes in
                [try l2PenaltyBackward(cotangents[0], input: inputs[0], output: outputs[0], constant: attributes.double("constant"))]
            },
            samples: { rng in
                let configurations: [(shape: [Int], constant: Double, epsilon: Double)] = [
                    ([5], 0, 1e-6), ([2, 3, 4], 0.5, 1e-6), ([1, 2, 3, 3], -1, 0.25), ([], 1, 1e-6), ([3], 0, 0),
                ]
                return configurations.map { c in
                    OpSample("shape=\(formatShape(c.shape)) constant=\(formatDouble(c.constant)) epsilon=\(formatDouble(c.epsilon))",
                             inputs: [rng.normalTensor(c.shape)],
                             attributes: ["constant": .double(c.constant), "epsilon": .double(c.epsilon)])
                }
            }),
    ]
}
