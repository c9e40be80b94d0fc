import ReferenceCore
import ReferenceIO
/// AdamW: `torch.optim.AdamW`, Adam with decoupled weight decay.
///
/// For each parameter θ with gradient g, step t = 1, 2, …:
///
///     θ ← θ·(1 − lr·λ)                            first, with weight_decay λ
///     m ← m + (1 − β1)·(g − m)
///     v ← β2·v + (1 − β2)·g²
///     v_max ← max(v_max, v)                       if amsgrad, and v_max replaces v below
///     θ ← θ − (lr / (1 − β1ᵗ)) · m / (√v / √(1 − β2ᵗ) + eps)
///
/// The decay never enters the moments (unlike `Adam`'s weight_decay, which
/// adds λ·θ to g). Defaults as PyTorch: lr = 1e-3, betas = (0.9, 0.999),
/// eps = 1e-8, weight_decay = 1e-2, amsgrad = false; same range checks as Adam.
public struct AdamW: Optimizer {
    public let name = "adamw"
    var core: AdamMoments

    public var learningRate: Double { core.learningRate }
    public var betas: (Double, Double) { (core.beta1, core.beta2) }
    public var eps: Double { core.eps }
    public var weightDecay: Double { core.weightDecay }
    public var amsgrad: Bool { core.amsgrad }

    public init(lr: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999), eps: Double = 1e-8,
                weightDecay: Double = 1e-2, amsgrad: Bool = false) throws {
        core = try AdamMoments(optimizer: "adamw", lr: lr, betas: betas, eps: eps, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
        try core.step(&parameters, gradients: gradients, decoupledDecay: true)
    }

    /// "step" (0-d), "exp_avg.i", "exp_avg_sq.i", "max_exp_avg_sq.i" (amsgrad) and the parameter shapes.
    public func stateTensors() -> [String: Tensor] { core.stateTensors() }

    public mutating func restoreState(_ state: [String: Tensor]) throws { try core.restoreState(state) }
}
