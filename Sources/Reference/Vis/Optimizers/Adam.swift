import Foundation
import ReferenceCore
import ReferenceIO

/// Adam: `torch.optim.Adam`, with PyTorch's placement of eps.
///
/// For each parameter θ with gradient g, step t = 1, 2, … (m, v start at 0):
///
///     g ← g + λ·θ                                 if weight_decay λ ≠ 0 (L2, coupled)
///     m ← m + (1 − β1)·(g − m)                    (PyTorch's lerp; = β1·m + (1 − β1)·g)
///     v ← β2·v + (1 − β2)·g²
///     v_max ← max(v_max, v)                       if amsgrad, and v_max replaces v below
///     θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
///
/// eps is added *after* the bias correction of √v (not inside the root and not
/// before dividing by √(1 − β2ᵗ)), so the first step is −lr·g/(|g| + eps) up to rounding.
/// AMSGrad keeps the running maximum of the raw v, as PyTorch's code does
/// (its documentation writes the maximum of the corrected v̂; they differ only
/// through the step-dependent correction).
/// Defaults: lr = 1e-3, betas = (0.9, 0.999), eps = 1e-8, weight_decay = 0,
/// amsgrad = false. lr, eps, weight_decay ≥ 0 and 0 ≤ β < 1, as PyTorch checks.
public struct Adam: Optimizer {
    public let name = "adam"
    var core: AdamMoments

    public var learningRate: Double { core.learningRate }
    public var betas: (Double, Double) { (core.beta1, core.beta2) }
    public var eps: Double { core.eps }
    public var weightDecay: Double { core.weightDecay }
    public var amsgrad: Bool { core.amsgrad }

    public init(lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 0, amsgrad: Bool = false) throws {
        core = try AdamMoments(optimizer: "adam", lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        try core.step(&parameters, gradients: gradients, decoupledDecay: false)
    }

    /// "step" (0-d), "exp_avg.i", "exp_avg_sq.i", "max_exp_avg_sq.i" (amsgrad) and the parameter shapes.
    public func stateTensors() -> [String: Tensor] { core.stateTensors() }

    public mutating func restoreState(_ state: [String: Tensor]) throws { try core.restoreState(state) }
}

/// The moment estimates and update shared by Adam and AdamW, which differ only
/// in how weight decay enters.
struct AdamMoments {
    let optimizer: String
    let learningRate: Double
    let beta1: Double
    let beta2: Double
    let eps: Double
    let weightDecay: Double
    let amsgrad: Bool

    private var shapes = ParameterShapes()
    private(set) var stepCount = 0
    private var firstMoments: [[Double]] = []
    private var secondMoments: [[Double]] = []
    private var maxSecondMoments: [[Double]] = []

    init(optimizer: String, lr: Double, betas: (Double, Double), eps: Double, weightDecay: Double, amsgrad: Bool) throws {
        try requireNonNegative(lr, "lr", optimizer: optimizer)
        try requireNonNegative(eps, "eps", optimizer: optimizer)
        try requireHalfOpenUnit(betas.0, "betas[0]", optimizer: optimizer)
        try requireHalfOpenUnit(betas.1, "betas[1]", optimizer: optimizer)
        try requireNonNegative(weightDecay, "weight_decay", optimizer: optimizer)
        self.optimizer = optimizer
        self.learningRate = lr
        self.beta1 = betas.0
        self.beta2 = betas.1
        self.eps = eps
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
    }

    /// One Adam step. With `decoupledDecay` (AdamW) θ is first multiplied by
    /// 1 − lr·λ and the gradient is left alone; otherwise λ·θ is added to the gradient.
    mutating func step(_ parameters: inout [Tensor], gradients: [Tensor], decoupledDecay: Bool) throws {
        let firstStep = shapes.isEmpty
        try shapes.check(parameters, gradients: gradients, optimizer: optimizer)
        if firstStep {
            firstMoments = elementState(like: parameters)
            secondMoments = firstMoments
            if amsgrad { maxSecondMoments = firstMoments }
        }
        stepCount += 1
        let t = Double(stepCount)
        let biasCorrection1 = 1 - pow(beta1, t)
        let biasCorrection2Root = (1 - pow(beta2, t)).squareRoot()
        let stepSize = learningRate / biasCorrection1
        let decay = 1 - learningRate * weightDecay
        for index in parameters.indices {
            let g = gradients[index].scalars
            for k in 0..<g.count {
                var theta = parameters[index].scalars[k]
                var grad = g[k]
                if weightDecay != 0 {
                    if decoupledDecay { theta *= decay } else { grad += weightDecay * theta }
                }
                let m = lerp(firstMoments[index][k], grad, 1 - beta1)
                let v = secondMoments[index][k] * beta2 + (1 - beta2) * grad * grad
                firstMoments[index][k] = m
                secondMoments[index][k] = v
                var vUsed = v
                if amsgrad {
                    vUsed = max(maxSecondMoments[index][k], v)
                    maxSecondMoments[index][k] = vUsed
                }
                let denominator = vUsed.squareRoot() / biasCorrection2Root + eps
                parameters[index].scalars[k] = theta + -stepSize * m / denominator
            }
        }
    }

    func stateTensors() -> [String: Tensor] {
        guard var writer = StateWriter(shapes: shapes.shapes) else { return [:] }
        writer.scalar("step", Double(stepCount))
        writer.perParameter("exp_avg", firstMoments)
        writer.perParameter("exp_avg_sq", secondMoments)
        if amsgrad { writer.perParameter("max_exp_avg_sq", maxSecondMoments) }
        return writer.tensors
    }

    mutating func restoreState(_ state: [String: Tensor]) throws {
        var reader = try StateReader(state, optimizer: optimizer)
        let stepCount = reader.shapes == nil ? 0 : try reader.count("step")
        let firstMoments = try reader.perParameter("exp_avg")
        let secondMoments = try reader.perParameter("exp_avg_sq")
        let maxSecondMoments = amsgrad ? try reader.perParameter("max_exp_avg_sq") : []
        try reader.finish()
        (shapes, self.stepCount) = (ParameterShapes(restoring: reader.shapes), stepCount)
        (self.firstMoments, self.secondMoments, self.maxSecondMoments) = (firstMoments, secondMoments, maxSecondMoments)
    }
}
