import Foundation

// Elementwise functions of one tensor: y = f(x), with the VJP x̄ = ȳ · f′(x)
// written beside each forward in the table below.
// Semantics: torch.neg, torch.square, torch.sqrt, torch.exp, torch.log,
// torch.abs, torch.nn.functional.relu, torch.sigmoid, torch.tanh.

/// Builds the registry entry of an elementwise op from its forward function
/// and its derivative. `derivative(x, y)` gets both the input and the output,
/// so that ops like sigmoid can reuse y.
func unaryOp(_ name: String, _ summary: String,
             domain: @escaping @Sendable (inout RandomGenerator) -> Double,
             forward f: @escaping @Sendable (Double) -> Double,
             derivative: @escaping @Sendable (_ x: Double, _ y: Double) -> Double,
             linear: Bool = false) -> OpDefinition {
    OpDefinition(
        name: name, summary: summary, inputs: [OpInput("input")],
        linearIn: linear ? ["input"] : [],
        forward: { inputs, _ in [inputs[0].map(f)] },
        vjp: { inputs, outputs, cotangents, _ in
            let x = inputs[0].scalars, y = outputs[0].scalars, g = cotangents[0].scalars
            var result = [Double](repeating: 0, count: x.count)
            for i in 0..<x.count { result[i] = g[i] * derivative(x[i], y[i]) }
            return [Tensor(shape: inputs[0].shape, scalars: result)]
        },
        samples: { rng in
            // A scalar, odd and even sizes, and an image-shaped tensor.
            [[], [5], [2, 3], [1, 2, 3, 4]].map { shape in
                OpSample("shape=\(formatShape(shape))",
                         inputs: [Tensor(shape: shape, scalars: (0..<Tensor.elementCount(shape)).map { _ in domain(&rng) })])
            }
        })
}

/// Values in ±[0.1, 2]: away from the kinks of relu and abs at 0.
@Sendable func awayFromZero(_ rng: inout RandomGenerator) -> Double {
    let magnitude = rng.uniform(0.1, 2)
    return rng.uniform() < 0.5 ? -magnitude : magnitude
}

/// Values in [0.2, 3]: inside the domain of sqrt and log.
@Sendable func positive(_ rng: inout RandomGenerator) -> Double { rng.uniform(0.2, 3) }

extension OpRegistry {
    static let unaryOps: [OpDefinition] = [
        // y = −x; x̄ = −ȳ.
        unaryOp("neg", "y = -x (torch.neg)", domain: awayFromZero,
                forward: { -$0 }, derivative: { _, _ in -1 }, linear: true),
        // y = x²; x̄ = 2x·ȳ.
        unaryOp("square", "y = x^2 (torch.square)", domain: awayFromZero,
                forward: { $0 * $0 }, derivative: { x, _ in 2 * x }),
        // y = √x; x̄ = ȳ / (2√x).
        unaryOp("sqrt", "y = sqrt(x) (torch.sqrt; nan for x < 0)", domain: positive,
                forward: { $0.squareRoot() }, derivative: { _, y in 1 / (2 * y) }),
        // y = eˣ; x̄ = y·ȳ.
        unaryOp("exp", "y = exp(x) (torch.exp)", domain: awayFromZero,
                forward: { Foundation.exp($0) }, derivative: { _, y in y }),
        // y = ln x; x̄ = ȳ / x.
        unaryOp("log", "y = ln(x) (torch.log; -inf at 0, nan below)", domain: positive,
                forward: { Foundation.log($0) }, derivative: { x, _ in 1 / x }),
        // y = |x|; x̄ = sign(x)·ȳ, and 0 at x = 0 as torch.abs.
        unaryOp("abs", "y = |x|; gradient sign(x), 0 at 0 (torch.abs)", domain: awayFromZero,
                forward: { Swift.abs($0) }, derivative: { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) }),
        // y = max(x, 0); x̄ = ȳ where x > 0, else 0 (also at 0, as torch).
        unaryOp("relu", "y = max(x, 0); gradient 1 for x > 0, else 0 (torch.nn.functional.relu)", domain: awayFromZero,
                forward: { $0 > 0 ? $0 : 0 }, derivative: { x, _ in x > 0 ? 1 : 0 }),
        // y = 1 / (1 + e⁻ˣ); x̄ = y(1 − y)·ȳ.
        unaryOp("sigmoid", "y = 1 / (1 + exp(-x)) (torch.sigmoid)", domain: awayFromZero,
                forward: { sigmoid($0) }, derivative: { _, y in y * (1 - y) }),
        // y = tanh x; x̄ = (1 − y²)·ȳ.
        unaryOp("tanh", "y = tanh(x) (torch.tanh)", domain: awayFromZero,
                forward: { Foundation.tanh($0) }, derivative: { _, y in 1 - y * y }),
    ]
}

/// The logistic function 1 / (1 + e⁻ˣ), written so that exp never overflows.
@inlinable public func sigmoid(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
    let e = Foundation.exp(x)
    return e / (1 + e)
}
