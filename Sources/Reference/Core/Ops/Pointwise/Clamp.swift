// Clamping to [min, max] (torch.clamp with number bounds).
//
// PyTorch's rules, reproduced here:
// - forward y = min(max(x, min), max), so when min > max every element becomes max;
//   a nan input stays nan; a bound that is none is not applied; both none is an error.
// - backward (torch's clamp_backward): x̄ = ȳ where min ≤ x ≤ max — the bounds
//   themselves count as inside, so the gradient there is 1 — and exactly 0
//   elsewhere (a `where`, not a product, so a nan or inf ȳ outside stays 0).
//   With min > max no x satisfies both, so the gradient is 0 everywhere, which
//   is also the true derivative of the constant output. A nan x gets 0.
// refvis refuses nan bounds (torch's handling of them is not specified).

/// Checks the bounds of a clamp: at least one given, neither nan.
private func checkClampBounds(min: Double?, max: Double?) throws {
    guard min != nil || max != nil else {
        throw RefvisError.usage("clamp: at least one of 'min' or 'max' must not be none")
    }
    if let min, min.isNaN { throw RefvisError.usage("clamp: 'min' must be a number, got nan") }
    if let max, max.isNaN { throw RefvisError.usage("clamp: 'max' must be a number, got nan") }
}

/// y = min(max(x, min), max) elementwise; an omitted bound is not applied.
/// Shape: the input's. When min > max every element is max; nan stays nan.
/// Matches `torch.clamp(input, min, max)`.
public func clamp(_ input: Tensor, min lower: Double? = nil, max upper: Double? = nil) throws -> Tensor {
    try checkClampBounds(min: lower, max: upper)
    return input.map { x in
        if x.isNaN { return x }
        var y = x
        if let lower, y < lower { y = lower }
        if let upper, y > upper { y = upper }
        return y
    }
}

/// The VJP of `clamp`: x̄ = ȳ where min ≤ x ≤ max (bounds inclusive), else 0 (PyTorch's rule).
public func clampBackward(_ gradOutput: Tensor, _ input: Tensor,
                          min lower: Double? = nil, max upper: Double? = nil) throws -> Tensor {
    try checkClampBounds(min: lower, max: upper)
    try gradOutput.requireShape(input.shape, "clamp backward: output gradient")
    return input.zipMap(gradOutput) { x, g in
        // Comparisons with nan are false, so a nan x passes no gradient
        // (at least one bound is given).
        let aboveMin = lower.map { x >= $0 } ?? true
        let belowMax = upper.map { x <= $0 } ?? true
        return aboveMin && belowMax ? g : 0
    }
}

/// Values on a grid of step 0.25 in [−2, 2] plus noise below 0.02: none comes
/// within 0.08 of the bounds ±0.9 or 0.4 used by the samples (away from the kinks).
@Sendable private func clampSampleValue(_ rng: inout RandomGenerator) -> Double {
    Double(rng.integer(in: -8...8)) * 0.25 + rng.uniform(-0.02, 0.02)
}

extension OpRegistry {
    static let clampOps: [OpDefinition] = [
        OpDefinition(
            name: "clamp", summary: "y = min(max(x, min), max); gradient 1 for min <= x <= max, else 0 (torch.clamp)",
            inputs: [OpInput("input")],
            attributes: [
                AttributeSpec("min", .optional(.double), default: .null, "lower bound, or none"),
                AttributeSpec("max", .optional(.double), default: .null, "upper bound, or none"),
            ],
            forward: { inputs, attributes in
                [try clamp(inputs[0], min: attributes.optionalDouble("min"), max: attributes.optionalDouble("max"))]
            },
            vjp: { inputs, _, cotangents, attributes in
                [try clampBackward(cotangents[0], inputs[0],
                                   min: attributes.optionalDouble("min"), max: attributes.optionalDouble("max"))]
            },
            samples: { rng in
                let bounds: [(min: AttributeValue, max: AttributeValue)] = [
                    (.double(-0.9), .double(0.9)),
                    (.double(-0.9), .null),
                    (.null, .double(0.4)),
                    (.double(0.9), .double(-0.9)),  // min > max: all max, zero gradient
                ]
                return bounds.flatMap { b in
                    [[7], [2, 3, 4]].map { shape in
                        OpSample("shape=\(formatShape(shape)) min=\(b.min) max=\(b.max)",
                                 inputs: [Tensor(shape: shape, scalars: (0..<Tensor.elementCount(shape)).map { _ in clampSampleValue(&rng) })],
                                 attributes: ["min": b.min, "max": b.max])
                    }
                }
            }),
    ]
}
