import ReferenceCore
import ReferenceIO
/// Stochastic gradient descent with optional momentum: `torch.optim.SGD`.
///
/// For each parameter θ with gradient g, step t = 1, 2, …:
///
///     g ← g + λ·θ                          if weight_decay λ ≠ 0
///     if momentum μ ≠ 0:
///         b ← g                            at t = 1 (no dampening on the first step)
///         b ← μ·b + (1 − τ)·g              at t > 1 (dampening τ)
///         g ← g + μ·b   if nesterov,  else g ← b
///     θ ← θ − lr·g
///
/// This is PyTorch's convention (the buffer accumulates gradients and lr
/// multiplies the whole buffer), not Sutskever et al.'s b ← μ·b + lr·g.
/// Defaults as PyTorch ≥ 2.2: lr = 1e-3, momentum = 0, dampening = 0,
/// weight_decay = 0, nesterov = false. lr, momentum and weight_decay must be
/// ≥ 0; Nesterov needs momentum > 0 and dampening = 0, as PyTorch requires.
public struct SGD: Optimizer {
    public let learningRate: Double
    public let momentum: Double
    public let dampening: Double
    public let weightDecay: Double
    public let nesterov: Bool

    private var shapes = ParameterShapes()
    /// The momentum buffer b of each parameter (empty until the first step).
    private var buffers: [[Double]] = []

    /// "sgd", "momentum" or "nesterov": the command-line name of this configuration.
    public var name: String { nesterov ? "nesterov" : momentum != 0 ? "momentum" : "sgd" }

    public init(lr: Double = 1e-3, momentum: Double = 0, dampening: Double = 0,
                weightDecay: Double = 0, nesterov: Bool = false) throws {
        try requireNonNegative(lr, "lr", optimizer: "sgd")
        try requireNonNegative(momentum, "momentum", optimizer: "sgd")
        try requireNonNegative(weightDecay, "weight_decay", optimizer: "sgd")
        guard dampening.isFinite else { throw RefvisError.usage("sgd: dampening must be finite, got \(dampening)") }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw RefvisError.usage("sgd: Nesterov momentum requires a momentum > 0 and zero dampening")
        }
        self.learningRate = lr
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
    }

    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        let firstStep = shapes.isEmpty
        try shapes.check(parameters, gradients: gradients, optimizer: "sgd")
        if firstStep && momentum != 0 { buffers = elementState(like: parameters) }
        updateElementwise(&parameters, gradients: gradients, weightDecay: weightDecay) { index, k, theta, grad in
            var d = grad
            if momentum != 0 {
                let b = firstStep ? d : buffers[index][k] * momentum + (1 - dampening) * d
                buffers[index][k] = b
                d = nesterov ? d + momentum * b : b
            }
            return theta + -learningRate * d
        }
    }

    /// "momentum_buffer.i" (with momentum) and the parameter shapes.
    public func stateTensors() -> [String: Tensor] {
        guard var writer = StateWriter(shapes: shapes.shapes) else { return [:] }
        if momentum != 0 { writer.perParameter("momentum_buffer", buffers) }
        return writer.tensors
    }

    public mutating func restoreState(_ state: [String: Tensor]) throws {
        var reader = try StateReader(state, optimizer: name)
        let buffers = momentum != 0 ? try reader.perParameter("momentum_buffer") : []
        try reader.finish()
        (shapes, self.buffers) = (ParameterShapes(restoring: reader.shapes), buffers)
    }
}
