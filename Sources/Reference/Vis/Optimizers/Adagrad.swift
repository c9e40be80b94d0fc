import ReferenceCore
import ReferenceIO
/// Adagrad: `torch.optim.Adagrad`.
///
/// For each parameter θ with gradient g, step t = 1, 2, … (the sum s starts
/// at initial_accumulator_value):
///
///     g ← g + λ·θ                                 if weight_decay λ ≠ 0
///     lr_t = lr / (1 + (t − 1)·lr_decay)
///     s ← s + g²
///     θ ← θ − lr_t · g / (√s + eps)
///
/// With the defaults the first step is −lr·g/(|g| + eps). Defaults as PyTorch:
/// lr = 1e-2, lr_decay = 0, weight_decay = 0, initial_accumulator_value = 0,
/// eps = 1e-10; all must be ≥ 0.
public struct Adagrad: Optimizer {
    public let name = "adagrad"
    public let learningRate: Double
    public let learningRateDecay: Double
    public let weightDecay: Double
    public let initialAccumulatorValue: Double
    public let eps: Double

    private var shapes = ParameterShapes()
    private(set) var stepCount = 0
    private var sums: [[Double]] = []

    public init(lr: Double = 1e-2, lrDecay: Double = 0, weightDecay: Double = 0,
                initialAccumulatorValue: Double = 0, eps: Double = 1e-10) throws {
        try requireNonNegative(lr, "lr", optimizer: "adagrad")
        try requireNonNegative(lrDecay, "lr_decay", optimizer: "adagrad")
        try requireNonNegative(weightDecay, "weight_decay", optimizer: "adagrad")
        try requireNonNegative(initialAccumulatorValue, "initial_accumulator_value", optimizer: "adagrad")
        try requireNonNegative(eps, "eps", optimizer: "adagrad")
        self.learningRate = lr
        self.learningRateDecay = lrDecay
        self.weightDecay = weightDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.eps = eps
    }

    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        let firstStep = shapes.isEmpty
        try shapes.check(parameters, gradients: gradients, optimizer: "adagrad")
        if firstStep {
            sums = elementState(like: parameters, value: initialAccumulatorValue)
        }
        stepCount += 1
        let rate = learningRate / (1 + Double(stepCount - 1) * learningRateDecay)
        updateElementwise(&parameters, gradients: gradients, weightDecay: weightDecay) { index, k, theta, grad in
            let s = sums[index][k] + grad * grad
            sums[index][k] = s
            return theta + -rate * grad / (s.squareRoot() + eps)
        }
    }

    /// "step" (0-d), "sum.i" and the parameter shapes.
    public func stateTensors() -> [String: Tensor] {
        guard var writer = StateWriter(shapes: shapes.shapes) else { return [:] }
        writer.scalar("step", Double(stepCount))
        writer.perParameter("sum", sums)
        return writer.tensors
    }

    public mutating func restoreState(_ state: [String: Tensor]) throws {
        var reader = try StateReader(state, optimizer: name)
        let stepCount = reader.shapes == nil ? 0 : try reader.count("step")
        let sums = try reader.perParameter("sum")
        try reader.finish()
        (shapes, self.stepCount, self.sums) = (ParameterShapes(restoring: reader.shapes), stepCount, sums)
    }
}
