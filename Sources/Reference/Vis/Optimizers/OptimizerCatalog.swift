import ReferenceCore
import ReferenceIO
// What each optimizer is, which hyperparameters it takes and their defaults:
// the one place `OptimizerSettings`, `makeOptimizer(name:learningRate:)`,
// `optimizerNames` and `refvis help render` take them from.
//
// torch.optim's defaults are written once, as the default arguments of the
// optimizers' inits (which mirror torch.optim's signatures); the catalog reads
// them off default-made optimizers. It writes down only refvis's own choices:
// the default learning rate of adam (0.05, Lucent's render_vis default;
// torch's own is 1e-3), of normalized_l2 (2.0, the Keras seed's) and of
// normalized_std (1.0), and the momentum 0.9 of the momentum and nesterov presets.

/// The optimizers refvis can make, by their command-line names.
public enum OptimizerKind: String, Codable, CaseIterable, Sendable {
    case sgd, momentum, nesterov, adam, adamw, rmsprop, adagrad, adadelta, lbfgs
    case lbfgsStrongWolfe = "lbfgs_strong_wolfe"
    case normalizedL2 = "normalized_l2"
    case normalizedStd = "normalized_std"

    /// The kind the command line names; a usage error listing the known names otherwise.
    public init(named name: String) throws {
        guard let kind = OptimizerKind(rawValue: name) else {
            let known = OptimizerKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw RefvisError.usage("unknown optimizer '\(name)'; known optimizers: \(known)")
        }
        self = kind
    }

    /// Decodes the name, refusing an unknown one with the list of known ones.
    public init(from decoder: any Decoder) throws {
        self = try OptimizerKind(named: try decoder.singleValueContainer().decode(String.self))
    }

    /// Every kind, with its hyperparameters and their defaults, in `allCases` order.
    public static let catalog: [OptimizerCatalogEntry] = makeCatalog()

    /// This kind's catalog entry.
    public var entry: OptimizerCatalogEntry {
        // The catalog is built in allCases order (a test checks it).
        Self.catalog[Self.allCases.firstIndex(of: self)!]
    }
}

/// A hyperparameter an optimizer can take, by torch.optim's name (the raw value).
public enum OptimizerHyperparameter: String, CaseIterable, Sendable {
    case lr, betas, eps, momentum, dampening, nesterov
    case weightDecay = "weight_decay"
    case amsgrad, alpha, centered
    case lrDecay = "lr_decay"
    case initialAccumulatorValue = "initial_accumulator_value"
    case rho
    case maxIter = "max_iter"
    case maxEval = "max_eval"
    case historySize = "history_size"
    case toleranceGrad = "tolerance_grad"
    case toleranceChange = "tolerance_change"
    case lineSearchFn = "line_search_fn"

    /// The type of its value, for parsing one from the command line.
    public var type: AttributeType {
        switch self {
        case .betas: return .doubles
        case .nesterov, .amsgrad, .centered: return .bool
        case .maxIter, .historySize: return .int
        case .maxEval: return .optional(.int)
        case .lineSearchFn: return .optional(.choice([LBFGS.LineSearch.strongWolfe.rawValue, LBFGS.LineSearch.none.rawValue]))
        default: return .double
        }
    }
}

/// One optimizer kind: what it is, the hyperparameters it takes (in
/// torch.optim's signature order) with their defaults and one-line help.
public struct OptimizerCatalogEntry: Sendable {
    public struct Hyperparameter: Sendable {
        public let name: OptimizerHyperparameter
        /// The value used when the settings leave it nil; `.null` is torch's None.
        public let defaultValue: AttributeValue
        public let help: String
    }

    public let kind: OptimizerKind
    public let summary: String
    public let hyperparameters: [Hyperparameter]

    /// The learning rate when the settings give none.
    public var defaultLearningRate: Double {
        guard case .double(let lr)? = defaultValue(of: .lr) else { preconditionFailure("\(kind.rawValue) has no default lr") }
        return lr
    }

    public func takes(_ hyperparameter: OptimizerHyperparameter) -> Bool {
        hyperparameters.contains { $0.name == hyperparameter }
    }

    /// The default of a hyperparameter this kind takes; nil for one it does not.
    public func defaultValue(of hyperparameter: OptimizerHyperparameter) -> AttributeValue? {
        hyperparameters.first { $0.name == hyperparameter }?.defaultValue
    }

    /// One line per hyperparameter: its name, default and help.
    public func helpLines() -> [String] {
        let width = hyperparameters.map { $0.name.rawValue.count + $0.defaultValue.description.count }.max() ?? 0
        return hyperparameters.map { parameter in
            let head = "--\(parameter.name.rawValue) \(parameter.defaultValue)"
            return head.padding(toLength: width + 5, withPad: " ", startingAt: 0) + parameter.help
        }
    }
}

extension OptimizerSettings {
    /// One line per optimizer: its name, what it is, and each hyperparameter with its default.
    public static func helpLines() -> [String] {
        let width = OptimizerKind.allCases.map(\.rawValue.count).max()!
        return OptimizerKind.catalog.map { entry in
            let defaults = entry.hyperparameters.map { "\($0.name.rawValue) \($0.defaultValue)" }.joined(separator: ", ")
            return entry.kind.rawValue.padding(toLength: width + 2, withPad: " ", startingAt: 0) + "\(entry.summary): \(defaults)"
        }
    }
}

/// A default-made optimizer, whose properties are torch.optim's defaults.
private func torchDefaults<T>(_ make: () throws -> T) -> T {
    do { return try make() } catch { preconditionFailure("an optimizer refuses its own defaults: \(error)") }
}

private func makeCatalog() -> [OptimizerCatalogEntry] {
    typealias H = OptimizerCatalogEntry.Hyperparameter
    let sgd = torchDefaults { try SGD() }
    let adam = torchDefaults { try Adam() }, adamw = torchDefaults { try AdamW() }
    let rmsprop = torchDefaults { try RMSprop() }
    let adagrad = torchDefaults { try Adagrad() }, adadelta = torchDefaults { try Adadelta() }
    let lbfgs = torchDefaults { try LBFGS() }

    let presetMomentum = 0.9
    func lr(_ value: Double, _ help: String = "learning rate (torch's default)") -> H { H(name: .lr, defaultValue: .double(value), help: help) }
    func weightDecay(_ value: Double, _ help: String = "L2 penalty λ, added to the gradient as λ·θ") -> H {
        H(name: .weightDecay, defaultValue: .double(value), help: help)
    }
    let dampening = H(name: .dampening, defaultValue: .double(sgd.dampening),
                      help: "dampening τ of the momentum: b ← μ·b + (1 − τ)·g after the first step")
    func betasAndEps(_ betas: (Double, Double), _ eps: Double) -> [H] { [
        H(name: .betas, defaultValue: .doubles([betas.0, betas.1]),
          help: "(β1, β2): decay rates of the running means of g and of g²"),
        H(name: .eps, defaultValue: .double(eps), help: "added to √v̂ (after the bias correction) in the denominator"),
    ] }
    func amsgrad(_ value: Bool) -> H { H(name: .amsgrad, defaultValue: .bool(value), help: "divide by the running maximum of v (AMSGrad)") }
    let lbfgsCommon: [H] = [
        lr(lbfgs.learningRate),
        H(name: .maxIter, defaultValue: .int(lbfgs.maxIterations), help: "L-BFGS iterations per render step"),
        H(name: .maxEval, defaultValue: .null, help: "loss evaluations per render step; none: max_iter·5/4, rounded down"),
        H(name: .toleranceGrad, defaultValue: .double(lbfgs.toleranceGrad), help: "stop when max|gᵢ| ≤ this"),
        H(name: .toleranceChange, defaultValue: .double(lbfgs.toleranceChange),
          help: "stop when the step or the change of the loss is below this"),
        H(name: .historySize, defaultValue: .int(lbfgs.historySize), help: "(s, y) pairs kept for the inverse Hessian"),
    ]
    let l2Epsilon = NormalizedGradient.Normalization.l2.defaultEpsilon
    let stdEpsilon = NormalizedGradient.Normalization.std.defaultEpsilon

    let entries: [OptimizerCatalogEntry] = [
        .init(kind: .sgd, summary: "torch.optim.SGD", hyperparameters: [
            lr(sgd.learningRate),
            H(name: .momentum, defaultValue: .double(sgd.momentum), help: "momentum factor μ (0: none)"),
            dampening,
            weightDecay(sgd.weightDecay),
            H(name: .nesterov, defaultValue: .bool(sgd.nesterov), help: "Nesterov momentum (needs momentum > 0 and dampening 0)"),
        ]),
        .init(kind: .momentum, summary: "torch.optim.SGD with momentum", hyperparameters: [
            lr(sgd.learningRate),
            H(name: .momentum, defaultValue: .double(presetMomentum), help: "momentum factor μ > 0 (torch's SGD defaults to 0)"),
            dampening,
            weightDecay(sgd.weightDecay),
        ]),
        .init(kind: .nesterov, summary: "torch.optim.SGD with Nesterov momentum", hyperparameters: [
            lr(sgd.learningRate),
            H(name: .momentum, defaultValue: .double(presetMomentum), help: "momentum factor μ > 0 (torch's SGD defaults to 0)"),
            weightDecay(sgd.weightDecay),
        ]),
        .init(kind: .adam, summary: "torch.optim.Adam with Lucent's render_vis learning rate (torch's own is 1e-3)", hyperparameters:
            [lr(0.05, "learning rate; 0.05 is Lucent's render_vis default (torch's own is 1e-3)")]
            + betasAndEps(adam.betas, adam.eps)
            + [weightDecay(adam.weightDecay, "L2 penalty λ, added to the gradient as λ·θ (coupled)"), amsgrad(adam.amsgrad)]),
        .init(kind: .adamw, summary: "torch.optim.AdamW (decoupled weight decay)", hyperparameters:
            [lr(adamw.learningRate)]
            + betasAndEps(adamw.betas, adamw.eps)
            + [weightDecay(adamw.weightDecay, "decoupled decay λ: θ ← θ·(1 − lr·λ) before the Adam step"),
               amsgrad(adamw.amsgrad)]),
        .init(kind: .rmsprop, summary: "torch.optim.RMSprop", hyperparameters: [
            lr(rmsprop.learningRate),
            H(name: .alpha, defaultValue: .double(rmsprop.alpha), help: "smoothing constant α of the running mean of g²"),
            H(name: .eps, defaultValue: .double(rmsprop.eps), help: "added to the root in the denominator"),
            weightDecay(rmsprop.weightDecay),
            H(name: .momentum, defaultValue: .double(rmsprop.momentum), help: "momentum factor (its buffer starts at 0)"),
            H(name: .centered, defaultValue: .bool(rmsprop.centered), help: "divide by √(v − ḡ²), the centered estimate"),
        ]),
        .init(kind: .adagrad, summary: "torch.optim.Adagrad", hyperparameters: [
            lr(adagrad.learningRate),
            H(name: .lrDecay, defaultValue: .double(adagrad.learningRateDecay), help: "lr_t = lr/(1 + (t − 1)·lr_decay)"),
            weightDecay(adagrad.weightDecay),
            H(name: .initialAccumulatorValue, defaultValue: .double(adagrad.initialAccumulatorValue),
              help: "starting value of the sum of g²"),
            H(name: .eps, defaultValue: .double(adagrad.eps), help: "added to the root in the denominator"),
        ]),
        .init(kind: .adadelta, summary: "torch.optim.Adadelta", hyperparameters: [
            lr(adadelta.learningRate),
            H(name: .rho, defaultValue: .double(adadelta.rho), help: "decay rate ρ of the running means of g² and Δ²"),
            H(name: .eps, defaultValue: .double(adadelta.eps), help: "added inside both roots"),
            weightDecay(adadelta.weightDecay),
        ]),
        .init(kind: .lbfgs, summary: "torch.optim.LBFGS", hyperparameters: lbfgsCommon + [
            H(name: .lineSearchFn, defaultValue: .null, help: "none, or strong_wolfe (the same as lbfgs_strong_wolfe)"),
        ]),
        .init(kind: .lbfgsStrongWolfe, summary: "torch.optim.LBFGS with line_search_fn='strong_wolfe'",
              hyperparameters: lbfgsCommon),
        .init(kind: .normalizedL2, summary: "descent on g/‖g‖ per tensor, the Keras seed's l2_normalize", hyperparameters: [
            lr(2, "step length: each tensor moves by lr (2.0, the Keras seed's)"),
            H(name: .eps, defaultValue: .double(l2Epsilon), help: "floor of Σg² (TensorFlow's l2_normalize epsilon)"),
        ]),
        .init(kind: .normalizedStd, summary: "descent on g/(std(g) + eps) per tensor, MATLAB deepDreamImage's normalization",
              hyperparameters: [
            lr(1, "step size; the MATLAB seed states none, and 1.0 moves each element about one gradient std"),
            H(name: .eps, defaultValue: .double(stdEpsilon), help: "added to the sample standard deviation (MATLAB's 1e-9)"),
        ]),
    ]
    precondition(entries.map(\.kind) == OptimizerKind.allCases, "the catalog must list every kind once, in allCases order")
    return entries
}
