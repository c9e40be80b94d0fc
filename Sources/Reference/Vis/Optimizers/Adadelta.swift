import ReferenceCore
import ReferenceIO
/// Adadelta: `torch.optim.Adadelta`.
///
/// For each parameter θ with gradient g (v, u start at 0):
///
///     g ← g + λ·θ                                 if weight_decay λ ≠ 0
///     v ← ρ·v + (1 − ρ)·g²
///     Δ ← √(u + eps) / √(v + eps) · g
///     u ← ρ·u + (1 − ρ)·Δ²
///     θ ← θ − lr·Δ
///
/// eps sits inside both roots, so the first step is tiny:
/// −lr·√eps·g/√((1 − ρ)·g² + eps) ≈ −lr·(√eps/√(1 − ρ))·sign(g) ≈ −3.2e-3·lr·sign(g)
/// with the defaults. Defaults as PyTorch: lr = 1.0, rho = 0.9, eps = 1e-6,
/// weight_decay = 0; lr, eps, weight_decay ≥ 0 and 0 ≤ rho ≤ 1.
public struct Adadelta: Optimizer {
    public let name = "adadelta"
    public let learningRate: Double
    public let rho: Double
    public let eps: Double
    public let weightDecay: Double

    private var shapes = ParameterShapes()
    private var squareAverages: [[Double]] = []
    private var accumulatedDeltas: [[Double]] = []

    public init(lr: Double = 1.0, rho: Double = 0.9, eps: Double = 1e-6, weightDecay: Double = 0) throws {
        try requireNonNegative(lr, "lr", optimizer: "adadelta")
        try requireClosedUnit(rho, "rho", optimizer: "adadelta")
        try requireNonNegative(eps, "eps", optimizer: "adadelta")
        try requireNonNegative(weightDecay, "weight_decay", optimizer: "adadelta")
        self.learningRate = lr
        self.rho = rho
        self.eps = eps
        self.weightDecay = weightDecay
    }

    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        let firstStep = shapes.isEmpty
        try shapes.check(parameters, gradients: gradients, optimizer: "adadelta")
        if firstStep {
            squareAverages = elementState(like: parameters)
            accumulatedDeltas = squareAverages
        }
        updateElementwise(&parameters, gradients: gradients, weightDecay: weightDecay) { index, k, theta, grad in
            let v = squareAverages[index][k] * rho + (1 - rho) * grad * grad
            squareAverages[index][k] = v
            let delta = (accumulatedDeltas[index][k] + eps).squareRoot() / (v + eps).squareRoot() * grad
            accumulatedDeltas[index][k] = accumulatedDeltas[index][k] * rho + (1 - rho) * delta * delta
            return theta + -learningRate * delta
        }
    }

    /// "square_avg.i", "acc_delta.i" and the parameter shapes.
    public func stateTensors() -> [String: Tensor] {
        guard var writer = StateWriter(shapes: shapes.shapes) else { return [:] }
        writer.perParameter("square_avg", squareAverages)
        writer.perParameter("acc_delta", accumulatedDeltas)
        return writer.tensors
    }

    public mutating func restoreState(_ state: [String: Tensor]) throws {
        var reader = try StateReader(state, optimizer: name)
        let squareAverages = try reader.perParameter("square_avg")
        let accumulatedDeltas = try reader.perParameter("acc_delta")
        try reader.finish()
        shapes = ParameterShapes(restoring: reader.shapes)
        (self.squareAverages, self.accumulatedDeltas) = (squareAverages, accumulatedDeltas)
    }
}
