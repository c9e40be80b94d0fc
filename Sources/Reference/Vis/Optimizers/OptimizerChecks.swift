import ReferenceCore
import ReferenceIO
// Checks shared by the optimizers: hyperparameter ranges (thrown as usage
// errors when an optimizer is made, as PyTorch raises ValueError in __init__)
// and the parameter/gradient lists handed to each step.

/// Throws unless `value` is finite and ≥ 0 (PyTorch's `if not 0.0 <= value` checks).
func requireNonNegative(_ value: Double, _ argument: String, optimizer: String) throws {
    guard value.isFinite, value >= 0 else {
        throw RefvisError.usage("\(optimizer): \(argument) must be a finite number >= 0, got \(value)")
    }
}

/// Throws unless 0 ≤ `value` < 1 (Adam's betas).
func requireHalfOpenUnit(_ value: Double, _ argument: String, optimizer: String) throws {
    guard value >= 0, value < 1 else {
        throw RefvisError.usage("\(optimizer): \(argument) must be in [0, 1), got \(value)")
    }
}

/// Throws unless 0 ≤ `value` ≤ 1 (Adadelta's rho).
func requireClosedUnit(_ value: Double, _ argument: String, optimizer: String) throws {
    guard value >= 0, value <= 1 else {
        throw RefvisError.usage("\(optimizer): \(argument) must be in [0, 1], got \(value)")
    }
}

/// The shapes of the parameter list an optimizer's state belongs to.
///
/// The first step records them; every later step must hand over parameters
/// (and gradients) of exactly those shapes in the same order, because the
/// state is keyed by position.
struct ParameterShapes {
    private(set) var shapes: [[Int]]?

    /// True before the first step.
    var isEmpty: Bool { shapes == nil }

    /// Nothing recorded yet.
    init() {}

    /// The shapes a restored state belongs to (nil: none yet).
    init(restoring shapes: [[Int]]?) { self.shapes = shapes }

    /// Checks `gradients` against `parameters` and both against the recorded
    /// shapes (recording them on the first call).
    mutating func check(_ parameters: [Tensor], gradients: [Tensor], optimizer: String) throws {
        // Gradients first, so that a failed first step records nothing.
        try checkGradients(gradients, matching: parameters, optimizer: optimizer)
        try check(parameters, optimizer: optimizer)
    }

    /// Checks `parameters` against the recorded shapes, recording them on the first call.
    mutating func check(_ parameters: [Tensor], optimizer: String) throws {
        guard let shapes else {
            guard !parameters.isEmpty else { throw RefvisError("\(optimizer): no parameters to optimize") }
            self.shapes = parameters.map(\.shape)
            return
        }
        guard parameters.count == shapes.count else {
            throw RefvisError("\(optimizer): stepped with \(parameters.count) parameters, but its state is for \(shapes.count)")
        }
        for (index, parameter) in parameters.enumerated() where parameter.shape != shapes[index] {
            throw RefvisError.shapeMismatch("\(optimizer): parameter \(index) (its state was made for another shape)",
                                            expected: shapes[index], got: parameter.shape)
        }
    }
}

/// Throws unless there is one gradient per parameter, shaped like it.
func checkGradients(_ gradients: [Tensor], matching parameters: [Tensor], optimizer: String) throws {
    guard gradients.count == parameters.count else {
        throw RefvisError("\(optimizer): got \(gradients.count) gradients for \(parameters.count) parameters")
    }
    for index in parameters.indices where gradients[index].shape != parameters[index].shape {
        throw RefvisError.shapeMismatch("\(optimizer): gradient \(index)",
                                        expected: parameters[index].shape, got: gradients[index].shape)
    }
}

/// PyTorch's `lerp` for real numbers: start + weight·(end − start), computed
/// from the nearer end as ATen does so that weight 1 gives `end` exactly.
@inline(__always)
func lerp(_ start: Double, _ end: Double, _ weight: Double) -> Double {
    weight < 0.5 ? start + weight * (end - start) : end - (end - start) * (1 - weight)
}

/// Per-element optimizer state shaped like `parameters` (moments, sums,
/// momentum buffers), every element `value`.
func elementState(like parameters: [Tensor], value: Double = 0) -> [[Double]] {
    parameters.map { [Double](repeating: value, count: $0.count) }
}

/// Visits every element of every parameter in order and stores what `update`
/// returns as its new value. `update` gets the parameter index, the element
/// index, θ and the gradient with PyTorch's coupled weight decay already
/// added (g + λ·θ when λ ≠ 0), the first line of SGD's, Adagrad's, RMSprop's
/// and Adadelta's update rules.
func updateElementwise(_ parameters: inout [Tensor], gradients: [Tensor], weightDecay: Double,
                       _ update: (_ index: Int, _ k: Int, _ theta: Double, _ grad: Double) -> Double) {
    for index in parameters.indices {
        let g = gradients[index].scalars
        for k in 0..<g.count {
            let theta = parameters[index].scalars[k]
            var grad = g[k]
            if weightDecay != 0 { grad += weightDecay * theta }
            parameters[index].scalars[k] = update(index, k, theta, grad)
        }
    }
}
