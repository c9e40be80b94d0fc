import Foundation
import ReferenceCore
import ReferenceIO

/// An optimizer as a plain value: its kind and any hyperparameters given, by
/// torch.optim's names (the JSON keys are torch's: "weight_decay", "max_iter", …).
///
/// nil means the chosen optimizer's default from `OptimizerKind.catalog`; for
/// lr that is the optimizer's own default learning rate (never another
/// optimizer's). `make()` builds the optimizer; a hyperparameter the kind does
/// not take is a usage error naming it.
public struct OptimizerSettings: Codable, Sendable, Equatable {
    public var kind: OptimizerKind
    public var lr: Double?
    /// Adam's and AdamW's (β1, β2), as two numbers.
    public var betas: [Double]?
    public var eps: Double?
    public var momentum: Double?
    public var dampening: Double?
    public var nesterov: Bool?
    public var weightDecay: Double?
    public var amsgrad: Bool?
    /// RMSprop's smoothing constant.
    public var alpha: Double?
    public var centered: Bool?
    /// Adagrad's learning-rate decay.
    public var lrDecay: Double?
    public var initialAccumulatorValue: Double?
    /// Adadelta's decay rate.
    public var rho: Double?
    public var maxIter: Int?
    /// L-BFGS's evaluations per step; nil is torch's None, max_iter·5/4.
    public var maxEval: Int?
    public var historySize: Int?
    public var toleranceGrad: Double?
    public var toleranceChange: Double?
    public var lineSearchFn: LBFGS.LineSearch?

    public init(kind: OptimizerKind, lr: Double? = nil, betas: [Double]? = nil, eps: Double? = nil,
                momentum: Double? = nil, dampening: Double? = nil, nesterov: Bool? = nil,
                weightDecay: Double? = nil, amsgrad: Bool? = nil, alpha: Double? = nil, centered: Bool? = nil,
                lrDecay: Double? = nil, initialAccumulatorValue: Double? = nil, rho: Double? = nil,
                maxIter: Int? = nil, maxEval: Int? = nil, historySize: Int? = nil,
                toleranceGrad: Double? = nil, toleranceChange: Double? = nil, lineSearchFn: LBFGS.LineSearch? = nil) {
        self.kind = kind
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.alpha = alpha
        self.centered = centered
        self.lrDecay = lrDecay
        self.initialAccumulatorValue = initialAccumulatorValue
        self.rho = rho
        self.maxIter = maxIter
        self.maxEval = maxEval
        self.historySize = historySize
        self.toleranceGrad = toleranceGrad
        self.toleranceChange = toleranceChange
        self.lineSearchFn = lineSearchFn
    }

    // MARK: Making the optimizer

    /// The optimizer these settings describe. Throws a usage error for a
    /// hyperparameter the kind does not take (see `resolved()`) and the
    /// optimizers' own range checks for bad values.
    public func make() throws -> any Optimizer {
        let s = try resolved()
        // resolved() filled in every hyperparameter the kind takes, apart from
        // those whose default is torch's None (max_eval, line_search_fn).
        switch kind {
        case .sgd:
            return try SGD(lr: s.lr!, momentum: s.momentum!, dampening: s.dampening!,
                           weightDecay: s.weightDecay!, nesterov: s.nesterov!)
        case .momentum:
            guard s.momentum! > 0 else {
                throw RefvisError.usage("momentum: momentum must be > 0 (sgd is plain SGD), got \(formatDouble(s.momentum!))")
            }
            return try SGD(lr: s.lr!, momentum: s.momentum!, dampening: s.dampening!, weightDecay: s.weightDecay!)
        case .nesterov:
            return try SGD(lr: s.lr!, momentum: s.momentum!, weightDecay: s.weightDecay!, nesterov: true)
        case .adam:
            return try Adam(lr: s.lr!, betas: try s.betaPair(), eps: s.eps!, weightDecay: s.weightDecay!, amsgrad: s.amsgrad!)
        case .adamw:
            return try AdamW(lr: s.lr!, betas: try s.betaPair(), eps: s.eps!, weightDecay: s.weightDecay!, amsgrad: s.amsgrad!)
        case .rmsprop:
            return try RMSprop(lr: s.lr!, alpha: s.alpha!, eps: s.eps!, weightDecay: s.weightDecay!,
                               momentum: s.momentum!, centered: s.centered!)
        case .adagrad:
            return try Adagrad(lr: s.lr!, lrDecay: s.lrDecay!, weightDecay: s.weightDecay!,
                               initialAccumulatorValue: s.initialAccumulatorValue!, eps: s.eps!)
        case .adadelta:
            return try Adadelta(lr: s.lr!, rho: s.rho!, eps: s.eps!, weightDecay: s.weightDecay!)
        case .lbfgs, .lbfgsStrongWolfe:
            return try LBFGS(lr: s.lr!, maxIterations: s.maxIter!, maxEvaluations: s.maxEval,
                             toleranceGrad: s.toleranceGrad!, toleranceChange: s.toleranceChange!,
                             historySize: s.historySize!,
                             lineSearch: kind == .lbfgsStrongWolfe ? .strongWolfe : s.lineSearchFn ?? .none)
        case .normalizedL2:
            return try NormalizedGradient(lr: s.lr!, normalization: .l2, eps: s.eps!)
        case .normalizedStd:
            return try NormalizedGradient(lr: s.lr!, normalization: .std, eps: s.eps!)
        }
    }

    /// These settings with every hyperparameter the kind takes filled in from
    /// the catalog (those whose default is torch's None stay nil): what a run
    /// used, independent of later changes to the defaults. Throws a one-line
    /// usage error for a hyperparameter the kind does not take, e.g.
    /// "--betas: sgd takes no betas; it takes lr, momentum, dampening, weight_decay, nesterov".
    public func resolved() throws -> OptimizerSettings {
        let entry = kind.entry
        if let foreign = OptimizerHyperparameter.allCases.first(where: { value(of: $0) != nil && !entry.takes($0) }) {
            let taken = entry.hyperparameters.map(\.name.rawValue).joined(separator: ", ")
            throw RefvisError.usage("--\(foreign.rawValue): \(kind.rawValue) takes no \(foreign.rawValue); it takes \(taken)")
        }
        var result = self
        for parameter in entry.hyperparameters where value(of: parameter.name) == nil {
            try result.set(parameter.name, to: parameter.defaultValue)
        }
        return result
    }

    /// betas as a pair; a usage error unless there are exactly two.
    private func betaPair() throws -> (Double, Double) {
        guard let betas, betas.count == 2 else {
            throw RefvisError.usage("\(kind.rawValue): betas must be two numbers (β1, β2), got \(betas?.count ?? 0)")
        }
        return (betas[0], betas[1])
    }

    // MARK: Hyperparameters by name

    /// The value given for `hyperparameter`, nil when none is.
    public func value(of hyperparameter: OptimizerHyperparameter) -> AttributeValue? {
        switch hyperparameter {
        case .lr: return lr.map(AttributeValue.double)
        case .betas: return betas.map(AttributeValue.doubles)
        case .eps: return eps.map(AttributeValue.double)
        case .momentum: return momentum.map(AttributeValue.double)
        case .dampening: return dampening.map(AttributeValue.double)
        case .nesterov: return nesterov.map(AttributeValue.bool)
        case .weightDecay: return weightDecay.map(AttributeValue.double)
        case .amsgrad: return amsgrad.map(AttributeValue.bool)
        case .alpha: return alpha.map(AttributeValue.double)
        case .centered: return centered.map(AttributeValue.bool)
        case .lrDecay: return lrDecay.map(AttributeValue.double)
        case .initialAccumulatorValue: return initialAccumulatorValue.map(AttributeValue.double)
        case .rho: return rho.map(AttributeValue.double)
        case .maxIter: return maxIter.map(AttributeValue.int)
        case .maxEval: return maxEval.map(AttributeValue.int)
        case .historySize: return historySize.map(AttributeValue.int)
        case .toleranceGrad: return toleranceGrad.map(AttributeValue.double)
        case .toleranceChange: return toleranceChange.map(AttributeValue.double)
        case .lineSearchFn: return lineSearchFn.map { .string($0.rawValue) }
        }
    }

    /// Sets `hyperparameter` (nil or `.null`: back to the default). A value of
    /// the wrong type is a usage error naming the hyperparameter.
    public mutating func set(_ hyperparameter: OptimizerHyperparameter, to value: AttributeValue?) throws {
        let name = hyperparameter.rawValue
        func wrong(_ expected: String) -> RefvisError {
            RefvisError.usage("--\(name): expected \(expected), got \(value.map { "\($0)" } ?? "nothing")")
        }
        func double() throws -> Double? {
            switch value {
            case nil, .null?: return nil
            case .double(let v)?: return v
            case .int(let v)?: return Double(v)
            default: throw wrong("a number")
            }
        }
        func integer() throws -> Int? {
            switch value {
            case nil, .null?: return nil
            case .int(let v)?: return v
            default: throw wrong("an integer")
            }
        }
        func flag() throws -> Bool? {
            switch value {
            case nil, .null?: return nil
            case .bool(let v)?: return v
            default: throw wrong("true or false")
            }
        }
        switch hyperparameter {
        case .lr: lr = try double()
        case .betas:
            switch value {
            case nil, .null?: betas = nil
            case .doubles(let v)?: betas = v
            default: throw wrong("two numbers")
            }
        case .eps: eps = try double()
        case .momentum: momentum = try double()
        case .dampening: dampening = try double()
        case .nesterov: nesterov = try flag()
        case .weightDecay: weightDecay = try double()
        case .amsgrad: amsgrad = try flag()
        case .alpha: alpha = try double()
        case .centered: centered = try flag()
        case .lrDecay: lrDecay = try double()
        case .initialAccumulatorValue: initialAccumulatorValue = try double()
        case .rho: rho = try double()
        case .maxIter: maxIter = try integer()
        case .maxEval: maxEval = try integer()
        case .historySize: historySize = try integer()
        case .toleranceGrad: toleranceGrad = try double()
        case .toleranceChange: toleranceChange = try double()
        case .lineSearchFn:
            switch value {
            case nil, .null?: lineSearchFn = nil
            case .string(let v)?:
                guard let search = LBFGS.LineSearch(rawValue: v) else { throw wrong("strong_wolfe or none") }
                lineSearchFn = search
            default: throw wrong("strong_wolfe or none")
            }
        }
    }

    /// Sets `hyperparameter` from command-line text: a number, `true`/`false`,
    /// an integer, `strong_wolfe`/`none`, or for betas two numbers as
    /// `0.9,0.999` or `[0.9,0.999]`. A usage error naming it if the text does not parse.
    public mutating func set(_ hyperparameter: OptimizerHyperparameter, parsing text: String) throws {
        var text = text.trimmingCharacters(in: .whitespaces)
        if hyperparameter == .betas && !text.hasPrefix("[") { text = "[\(text)]" }
        let value: AttributeValue
        do {
            value = try AttributeValue.parse(text, as: hyperparameter.type, name: hyperparameter.rawValue)
        } catch let error as RefvisError {
            let message = error.message.replacingOccurrences(of: "attribute '\(hyperparameter.rawValue)'", with: "--\(hyperparameter.rawValue)")
            throw RefvisError.usage(message)
        }
        try set(hyperparameter, to: value)
    }

    // MARK: Codable

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, lr, betas, eps, momentum, dampening, nesterov
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
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes the settings, refusing a key that is not one of torch's names
    /// (a misspelt "weight_decy" would otherwise be ignored silently).
    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if let unknown = keys.sorted().first(where: { CodingKeys(rawValue: $0) == nil }) {
            let known = CodingKeys.allCases.map(\.rawValue).joined(separator: ", ")
            throw RefvisError.usage("optimizer settings: unknown key '\(unknown)'; known keys: \(known)")
        }
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decode(OptimizerKind.self, forKey: .kind),
                  lr: try c.decodeIfPresent(Double.self, forKey: .lr),
                  betas: try c.decodeIfPresent([Double].self, forKey: .betas),
                  eps: try c.decodeIfPresent(Double.self, forKey: .eps),
                  momentum: try c.decodeIfPresent(Double.self, forKey: .momentum),
                  dampening: try c.decodeIfPresent(Double.self, forKey: .dampening),
                  nesterov: try c.decodeIfPresent(Bool.self, forKey: .nesterov),
                  weightDecay: try c.decodeIfPresent(Double.self, forKey: .weightDecay),
                  amsgrad: try c.decodeIfPresent(Bool.self, forKey: .amsgrad),
                  alpha: try c.decodeIfPresent(Double.self, forKey: .alpha),
                  centered: try c.decodeIfPresent(Bool.self, forKey: .centered),
                  lrDecay: try c.decodeIfPresent(Double.self, forKey: .lrDecay),
                  initialAccumulatorValue: try c.decodeIfPresent(Double.self, forKey: .initialAccumulatorValue),
                  rho: try c.decodeIfPresent(Double.self, forKey: .rho),
                  maxIter: try c.decodeIfPresent(Int.self, forKey: .maxIter),
                  maxEval: try c.decodeIfPresent(Int.self, forKey: .maxEval),
                  historySize: try c.decodeIfPresent(Int.self, forKey: .historySize),
                  toleranceGrad: try c.decodeIfPresent(Double.self, forKey: .toleranceGrad),
                  toleranceChange: try c.decodeIfPresent(Double.self, forKey: .toleranceChange),
                  lineSearchFn: try c.decodeIfPresent(LBFGS.LineSearch.self, forKey: .lineSearchFn))
    }
}
