import ReferenceCore
import ReferenceIO
/// RMSprop: `torch.optim.RMSprop`.
///
/// For each parameter θ with gradient g (v, g_avg, b start at 0):
///
///     g ← g + λ·θ                                 if weight_decay λ ≠ 0
///     v ← α·v + (1 − α)·g²
///     if centered:  g_avg ← g_avg + (1 − α)·(g − g_avg);  a ← √(v − g_avg²) + eps
///     else:         a ← √v + eps
///     if momentum μ > 0:  b ← μ·b + g/a;  θ ← θ − lr·b
///     else:               θ ← θ − lr·g/a
///
/// eps is added after the square root (TensorFlow adds it inside), so the
/// first step is −lr·g/(√(1 − α)·|g| + eps). Unlike SGD's, the momentum buffer
/// starts at zero. Defaults as PyTorch: lr = 1e-2, alpha = 0.99, eps = 1e-8,
/// weight_decay = 0, momentum = 0, centered = false; lr, alpha, eps,
/// weight_decay and momentum must be ≥ 0.
public struct RMSprop: Optimizer {
    public let name = "rmsprop"
    public let learningRate: Double
    public let alpha: Double
    public let eps: Double
    public let weightDecay: Double
    public let momentum: Double
    public let centered: Bool

    private var shapes = ParameterShapes()
    private var squareAverages: [[Double]] = []
    private var gradientAverages: [[Double]] = []
    private var buffers: [[Double]] = []

    public init(lr: Double = 1e-2, alpha: Double = 0.99, eps: Double = 1e-8, weightDecay: Double = 0,
                momentum: Double = 0, centered: Bool = false) throws {
        try requireNonNegative(lr, "lr", optimizer: "rmsprop")
        try requireNonNegative(alpha, "alpha", optimizer: "rmsprop")
        try requireNonNegative(eps, "eps", optimizer: "rmsprop")
        try requireNonNegative(weightDecay, "weight_decay", optimizer: "rmsprop")
        try requireNonNegative(momentum, "momentum", optimizer: "rmsprop")
        self.learningRate = lr
        self.alpha = alpha
        self.eps = eps
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.centered = centered
    }

    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        let firstStep = shapes.isEmpty
        try shapes.check(parameters, gradients: gradients, optimizer: "rmsprop")
        if firstStep {
            squareAverages = elementState(like: parameters)
            if centered { gradientAverages = squareAverages }
            if momentum > 0 { buffers = squareAverages }
        }
        updateElementwise(&parameters, gradients: gradients, weightDecay: weightDecay) { index, k, theta, grad in
            let v = squareAverages[index][k] * alpha + (1 - alpha) * grad * grad
            squareAverages[index][k] = v
            let average: Double
            if centered {
                let mean = lerp(gradientAverages[index][k], grad, 1 - alpha)
                gradientAverages[index][k] = mean
                average = (v + -1 * mean * mean).squareRoot() + eps
            } else {
                average = v.squareRoot() + eps
            }
            guard momentum > 0 else { return theta + -learningRate * grad / average }
            let b = buffers[index][k] * momentum + grad / average
            buffers[index][k] = b
            return theta + -learningRate * b
        }
    }

    /// "square_avg.i", "grad_avg.i" (centered), "momentum_buffer.i" (momentum > 0)
    /// and the parameter shapes. (PyTorch also keeps a "step", which its update never reads.)
    public func stateTensors() -> [String: Tensor] {
        guard var writer = StateWriter(shapes: shapes.shapes) else { return [:] }
        writer.perParameter("square_avg", squareAverages)
        if centered { writer.perParameter("grad_avg", gradientAverages) }
        if momentum > 0 { writer.perParameter("momentum_buffer", buffers) }
        return writer.tensors
    }

    public mutating func restoreState(_ state: [String: Tensor]) throws {
        var reader = try StateReader(state, optimizer: name)
        let squareAverages = try reader.perParameter("square_avg")
        let gradientAverages = centered ? try reader.perParameter("grad_avg") : []
        let buffers = momentum > 0 ? try reader.perParameter("momentum_buffer") : []
        try reader.finish()
        shapes = ParameterShapes(restoring: reader.shapes)
        (self.squareAverages, self.gradientAverages, self.buffers) = (squareAverages, gradientAverages, buffers)
    }
}
