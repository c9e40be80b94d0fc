import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

// MARK: - Settings and the catalog

extension OptimizerTests {
    /// The learning rate of any of refvis's optimizers.
    static func learningRate(of optimizer: any Optimizer) -> Double? {
        switch optimizer {
        case let o as SGD: return o.learningRate
        case let o as Adam: return o.learningRate
        case let o as AdamW: return o.learningRate
        case let o as RMSprop: return o.learningRate
        case let o as Adagrad: return o.learningRate
        case let o as Adadelta: return o.learningRate
        case let o as LBFGS: return o.learningRate
        case let o as NormalizedGradient: return o.learningRate
        default: return nil
        }
    }

    @Test func catalogListsEveryKindOnceInOrder() {
        #expect(OptimizerKind.catalog.map(\.kind) == OptimizerKind.allCases)
        for kind in OptimizerKind.allCases {
            #expect(kind.entry.kind == kind)
            #expect(kind.entry.hyperparameters.first?.name == .lr, "\(kind): lr comes first, as in torch's signatures")
            #expect(Set(kind.entry.hyperparameters.map(\.name)).count == kind.entry.hyperparameters.count)
        }
        #expect(optimizerNames.map(\.name) == OptimizerKind.allCases.map(\.rawValue))
    }

    @Test(arguments: OptimizerKind.allCases)
    func makeUsesTheCatalogsDefaultLearningRate(kind: OptimizerKind) throws {
        let optimizer = try OptimizerSettings(kind: kind).make()
        #expect(optimizer.name == kind.rawValue)
        #expect(Self.learningRate(of: optimizer) == kind.entry.defaultLearningRate)
        // The wrapper the render code calls agrees, and a given rate wins.
        #expect(Self.learningRate(of: try makeOptimizer(name: kind.rawValue)) == kind.entry.defaultLearningRate)
        #expect(Self.learningRate(of: try OptimizerSettings(kind: kind, lr: 0.125).make()) == 0.125)
    }

    @Test func defaultLearningRatesAreTorchsExceptAdamsAndTheSeeds() {
        let expected: [OptimizerKind: Double] = [
            .sgd: 1e-3, .momentum: 1e-3, .nesterov: 1e-3, .adam: 0.05, .adamw: 1e-3, .rmsprop: 1e-2,
            .adagrad: 1e-2, .adadelta: 1, .lbfgs: 1, .lbfgsStrongWolfe: 1, .normalizedL2: 2, .normalizedStd: 1,
        ]
        for kind in OptimizerKind.allCases { #expect(kind.entry.defaultLearningRate == expected[kind], "\(kind)") }
        // Adam's help says whose 0.05 it is and what torch's own default is.
        for help in [OptimizerKind.adam.entry.hyperparameters[0].help, OptimizerKind.adam.entry.summary] {
            #expect(help.contains("Lucent") && help.contains("1e-3"))
        }
    }

    /// The old bug: a global lr default (0.05) overrode normalized_l2's own 2.0.
    @Test func normalizedL2StepsWithItsOwnLearningRate() throws {
        var optimizer = try OptimizerSettings(kind: .normalizedL2).make()
        var p = [vector([0, 0])]
        try optimizer.step(&p, gradients: [vector([3, 4])])
        #expect(matches(p[0].scalars, [-1.2, -1.6]))  // a step of length 2 along −g/|g|
    }

    @Test func catalogDefaultsAreTorchsApartFromTheDocumentedRates() throws {
        func defaults(_ kind: OptimizerKind) -> [String: String] {
            Dictionary(uniqueKeysWithValues: kind.entry.hyperparameters.map { ($0.name.rawValue, "\($0.defaultValue)") })
        }
        #expect(defaults(.adam) == ["lr": "0.05", "betas": "[0.9,0.999]", "eps": "1e-08", "weight_decay": "0.0", "amsgrad": "false"])
        #expect(defaults(.adamw)["weight_decay"] == "0.01")
        #expect(defaults(.sgd) == ["lr": "0.001", "momentum": "0.0", "dampening": "0.0", "weight_decay": "0.0", "nesterov": "false"])
        #expect(defaults(.nesterov) == ["lr": "0.001", "momentum": "0.9", "weight_decay": "0.0"])
        #expect(defaults(.rmsprop) == ["lr": "0.01", "alpha": "0.99", "eps": "1e-08", "weight_decay": "0.0",
                                       "momentum": "0.0", "centered": "false"])
        #expect(defaults(.adagrad) == ["lr": "0.01", "lr_decay": "0.0", "weight_decay": "0.0",
                                       "initial_accumulator_value": "0.0", "eps": "1e-10"])
        #expect(defaults(.adadelta) == ["lr": "1.0", "rho": "0.9", "eps": "1e-06", "weight_decay": "0.0"])
        #expect(defaults(.lbfgs) == ["lr": "1.0", "max_iter": "20", "max_eval": "none", "tolerance_grad": "1e-07",
                                     "tolerance_change": "1e-09", "history_size": "100", "line_search_fn": "none"])
        #expect(defaults(.normalizedL2) == ["lr": "2.0", "eps": "1e-12"])
        #expect(defaults(.normalizedStd) == ["lr": "1.0", "eps": "1e-09"])
    }

    @Test func resolvedFillsInEveryDefaultAndKeepsWhatIsGiven() throws {
        let resolved = try OptimizerSettings(kind: .adam, betas: [0.5, 0.6]).resolved()
        #expect(resolved == OptimizerSettings(kind: .adam, lr: 0.05, betas: [0.5, 0.6], eps: 1e-8, weightDecay: 0, amsgrad: false))
        #expect(try resolved.resolved() == resolved)
        // torch's None defaults stay nil.
        let lbfgs = try OptimizerSettings(kind: .lbfgs).resolved()
        #expect(lbfgs.maxEval == nil && lbfgs.lineSearchFn == nil && lbfgs.maxIter == 20)
    }
}

// MARK: - Hyperparameters reach the optimizer

extension OptimizerTests {
    @Test func everyHyperparameterReachesItsOptimizer() throws {
        let sgd = try #require(try OptimizerSettings(kind: .sgd, lr: 0.5, momentum: 0.25, dampening: 0.125,
                                                     nesterov: false, weightDecay: 0.0625).make() as? SGD)
        #expect(sgd.learningRate == 0.5 && sgd.momentum == 0.25 && sgd.dampening == 0.125 && sgd.weightDecay == 0.0625)
        let nesterov = try #require(try OptimizerSettings(kind: .nesterov, momentum: 0.5).make() as? SGD)
        #expect(nesterov.nesterov && nesterov.momentum == 0.5 && nesterov.dampening == 0)
        for kind in [OptimizerKind.adam, .adamw] {
            let settings = OptimizerSettings(kind: kind, lr: 0.5, betas: [0.25, 0.75], eps: 0.125, weightDecay: 0.0625, amsgrad: true)
            let made = try settings.make()
            let (lr, betas, eps, decay, ams) = try #require(
                (made as? Adam).map { ($0.learningRate, $0.betas, $0.eps, $0.weightDecay, $0.amsgrad) }
                    ?? (made as? AdamW).map { ($0.learningRate, $0.betas, $0.eps, $0.weightDecay, $0.amsgrad) })
            #expect(lr == 0.5 && betas == (0.25, 0.75) && eps == 0.125 && decay == 0.0625 && ams, "\(kind)")
        }
        let rmsprop = try #require(try OptimizerSettings(kind: .rmsprop, lr: 0.5, eps: 0.125, momentum: 0.25,
                                                         weightDecay: 0.0625, alpha: 0.75, centered: true).make() as? RMSprop)
        #expect(rmsprop.learningRate == 0.5 && rmsprop.alpha == 0.75 && rmsprop.eps == 0.125)
        #expect(rmsprop.weightDecay == 0.0625 && rmsprop.momentum == 0.25 && rmsprop.centered)
        let adagrad = try #require(try OptimizerSettings(kind: .adagrad, lr: 0.5, eps: 0.125, weightDecay: 0.0625,
                                                         lrDecay: 0.25, initialAccumulatorValue: 0.75).make() as? Adagrad)
        #expect(adagrad.learningRate == 0.5 && adagrad.learningRateDecay == 0.25 && adagrad.weightDecay == 0.0625)
        #expect(adagrad.initialAccumulatorValue == 0.75 && adagrad.eps == 0.125)
        let adadelta = try #require(try OptimizerSettings(kind: .adadelta, lr: 0.5, eps: 0.125, weightDecay: 0.0625,
                                                          rho: 0.75).make() as? Adadelta)
        #expect(adadelta.learningRate == 0.5 && adadelta.rho == 0.75 && adadelta.eps == 0.125 && adadelta.weightDecay == 0.0625)
        let lbfgs = try #require(try OptimizerSettings(kind: .lbfgs, lr: 0.5, maxIter: 7, maxEval: 9, historySize: 3,
                                                       toleranceGrad: 0.125, toleranceChange: 0.25,
                                                       lineSearchFn: .strongWolfe).make() as? LBFGS)
        #expect(lbfgs.learningRate == 0.5 && lbfgs.maxIterations == 7 && lbfgs.maxEvaluations == 9 && lbfgs.historySize == 3)
        #expect(lbfgs.toleranceGrad == 0.125 && lbfgs.toleranceChange == 0.25 && lbfgs.lineSearch == .strongWolfe)
        // max_eval nil is torch's max_iter·5/4 of the max_iter given.
        #expect((try OptimizerSettings(kind: .lbfgsStrongWolfe, maxIter: 8).make() as? LBFGS)?.maxEvaluations == 10)
        let std = try #require(try OptimizerSettings(kind: .normalizedStd, lr: 0.5, eps: 0.125).make() as? NormalizedGradient)
        #expect(std.learningRate == 0.5 && std.eps == 0.125 && std.normalization == .std)
    }

    @Test func adamFirstStepWithGivenBetasEpsAndWeightDecay() throws {
        // θ = 1, g = 0.5, λ = 0.5: g' = 1; m = 0.5·1 = 0.5 (β1 = 0.5); v = (1 − 0.9)·1;
        // √v/√(1 − 0.9) = 1, so θ ← 1 − (0.1/(1 − 0.5))·0.5/(1 + eps) with eps = 0.1.
        var adam = try OptimizerSettings(kind: .adam, lr: 0.1, betas: [0.5, 0.9], eps: 0.1, weightDecay: 0.5).make()
        #expect(matches(try stepped(&adam, [1], [0.5]), [1 - 0.2 * 0.5 / 1.1]))
        // AdamW with the same numbers decays θ instead: θ·(1 − 0.1·0.5) = 0.95, and g = 0.5 alone
        // gives m = 0.25, √v/√(1 − 0.9) = 0.5: θ ← 0.95 − 0.2·0.25/(0.5 + 0.1).
        var adamw = try OptimizerSettings(kind: .adamw, lr: 0.1, betas: [0.5, 0.9], eps: 0.1, weightDecay: 0.5).make()
        #expect(matches(try stepped(&adamw, [1], [0.5]), [0.95 - 0.2 * 0.25 / 0.6], tolerance: 1e-14))
    }

    @Test func sgdStepsWithGivenMomentumDampeningAndWeightDecay() throws {
        var sgd = try OptimizerSettings(kind: .sgd, lr: 0.1, momentum: 0.5, dampening: 0.5, weightDecay: 0.1).make()
        var p = [vector([1])]
        // Step 1: g' = 1 + 0.1·1 = 1.1, b = g' (no dampening yet): θ = 1 − 0.11 = 0.89.
        try sgd.step(&p, gradients: [vector([1])])
        #expect(matches(p[0].scalars, [0.89]))
        // Step 2: g' = 2 + 0.089 = 2.089, b = 0.5·1.1 + 0.5·2.089 = 1.5945: θ = 0.89 − 0.15945.
        try sgd.step(&p, gradients: [vector([2])])
        #expect(matches(p[0].scalars, [0.73055], tolerance: 1e-14))
    }

    @Test func rmspropStepsWithGivenAlphaEpsCenteredAndMomentum() throws {
        var rmsprop = try OptimizerSettings(kind: .rmsprop, lr: 0.1, eps: 0.1, momentum: 0.5, alpha: 0.5, centered: true).make()
        // g = 2: v = 0.5·4 = 2, ḡ = 0.5·2 = 1, a = √(2 − 1) + 0.1 = 1.1; b = 2/1.1; θ = −0.1·b.
        #expect(matches(try stepped(&rmsprop, [0], [2]), [-0.1 * 2 / 1.1]))
    }

    @Test func lbfgsFirstIterationWithGivenLearningRate() throws {
        var lbfgs = try OptimizerSettings(kind: .lbfgs, lr: 0.5, maxIter: 1).make()
        var p = [vector([1, 1])]
        // f = ½(x² + 10y²): g = (1, 10), t = min(1, 1/11)·0.5 = 1/22, x1 = (1 − 1/22, 1 − 10/22).
        _ = try lbfgs.step(&p, evaluate: Self.ellipse)
        #expect(matches(p[0].scalars, [21.0 / 22, 12.0 / 22]))
    }
}

// MARK: - Refused settings

extension OptimizerTests {
    @Test func aForeignHyperparameterIsRefusedNamingItAndTheOptimizer() throws {
        expectError(["--betas", "sgd takes no betas", "it takes lr, momentum, dampening, weight_decay, nesterov"]) {
            _ = try OptimizerSettings(kind: .sgd, betas: [0.9, 0.99]).make()
        }
        expectError(["--nesterov", "momentum takes no nesterov"]) { _ = try OptimizerSettings(kind: .momentum, nesterov: true).make() }
        expectError(["--dampening", "nesterov takes no dampening"]) { _ = try OptimizerSettings(kind: .nesterov, dampening: 0).make() }
        expectError(["--line_search_fn", "lbfgs_strong_wolfe"]) {
            _ = try OptimizerSettings(kind: .lbfgsStrongWolfe, lineSearchFn: .strongWolfe).make()
        }
        do {
            _ = try OptimizerSettings(kind: .adam, momentum: 0.9).make()
            Issue.record("expected a usage error")
        } catch let error as RefvisError {
            #expect(error.kind == .usage && !error.message.contains("\n"))
        }
    }

    /// Every hyperparameter a kind does not take is refused by name, and every one it takes is accepted.
    @Test(arguments: OptimizerKind.allCases)
    func everyForeignHyperparameterIsRefused(kind: OptimizerKind) throws {
        for hyperparameter in OptimizerHyperparameter.allCases {
            var settings = OptimizerSettings(kind: kind)
            // The kind's own default where it has one (so that a taken value is valid), else another kind's.
            let defaults = ([kind.entry] + OptimizerKind.catalog).lazy.compactMap { $0.defaultValue(of: hyperparameter) }
            let sample: AttributeValue = hyperparameter == .lineSearchFn ? .string("strong_wolfe")
                : hyperparameter == .maxEval ? .int(10) : defaults.first!
            try settings.set(hyperparameter, to: sample)
            if kind.entry.takes(hyperparameter) {
                _ = try settings.make()
            } else {
                expectError(["--\(hyperparameter.rawValue): \(kind.rawValue) takes no \(hyperparameter.rawValue)"]) { _ = try settings.make() }
            }
        }
    }

    @Test func badValuesKeepTheOptimizersChecks() {
        expectError("betas[0]") { _ = try OptimizerSettings(kind: .adam, betas: [1, 0.999]).make() }
        expectError(["betas must be two numbers", "3"]) { _ = try OptimizerSettings(kind: .adamw, betas: [0.9, 0.99, 0.5]).make() }
        expectError(["lr", "-1"]) { _ = try OptimizerSettings(kind: .rmsprop, lr: -1).make() }
        expectError("max_iter") { _ = try OptimizerSettings(kind: .lbfgs, maxIter: 0).make() }
        expectError("Nesterov") { _ = try OptimizerSettings(kind: .sgd, nesterov: true).make() }
        expectError(["momentum must be > 0"]) { _ = try OptimizerSettings(kind: .momentum, momentum: 0).make() }
        expectError("eps") { _ = try OptimizerSettings(kind: .normalizedL2, eps: 0).make() }
    }
}

// MARK: - Codable, parsing, help

extension OptimizerTests {
    static let fullSettings = OptimizerSettings(
        kind: .lbfgs, lr: 0.1 + 0.2, betas: [0.9, 0.999], eps: 1e-8, momentum: 0.9, dampening: 0.1, nesterov: true,
        weightDecay: 1e-2, amsgrad: false, alpha: 0.99, centered: true, lrDecay: 1e-3, initialAccumulatorValue: 0.5,
        rho: 0.9, maxIter: 20, maxEval: 25, historySize: 100, toleranceGrad: 1e-7, toleranceChange: 1e-9,
        lineSearchFn: .strongWolfe)

    @Test func jsonRoundTripKeepsTheSettingsWithTorchsKeys() throws {
        let samples = [Self.fullSettings, OptimizerSettings(kind: .adam), OptimizerSettings(kind: .normalizedL2, lr: 1.0 / 3)]
        for settings in samples {
            let data = try JSONEncoder().encode(settings)
            #expect(try JSONDecoder().decode(OptimizerSettings.self, from: data) == settings)
        }
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(Self.fullSettings)) as? [String: Any])
        #expect(Set(object.keys) == ["kind", "lr", "betas", "eps", "momentum", "dampening", "nesterov", "weight_decay",
                                     "amsgrad", "alpha", "centered", "lr_decay", "initial_accumulator_value", "rho",
                                     "max_iter", "max_eval", "history_size", "tolerance_grad", "tolerance_change",
                                     "line_search_fn"])
        #expect(Set(object.keys) == Set(["kind"] + OptimizerHyperparameter.allCases.map(\.rawValue)))
        #expect(object["kind"] as? String == "lbfgs" && object["line_search_fn"] as? String == "strong_wolfe")
        // nil is left out, so a default stays a default.
        #expect(String(decoding: try JSONEncoder().encode(OptimizerSettings(kind: .adam)), as: UTF8.self) == #"{"kind":"adam"}"#)
    }

    @Test func jsonAsTorchWritesItDecodes() throws {
        let json = #"{"kind": "adamw", "lr": 0.01, "betas": [0.8, 0.9], "weight_decay": 0.1, "amsgrad": true}"#
        let settings = try JSONDecoder().decode(OptimizerSettings.self, from: Data(json.utf8))
        #expect(settings == OptimizerSettings(kind: .adamw, lr: 0.01, betas: [0.8, 0.9], weightDecay: 0.1, amsgrad: true))
    }

    @Test func jsonWithAnUnknownKeyOrKindIsRefused() {
        expectError(["weight_decy", "weight_decay"]) {
            _ = try JSONDecoder().decode(OptimizerSettings.self, from: Data(#"{"kind": "adam", "weight_decy": 0.1}"#.utf8))
        }
        expectError(["adamax", "known optimizers", "normalized_std"]) {
            _ = try JSONDecoder().decode(OptimizerSettings.self, from: Data(#"{"kind": "adamax"}"#.utf8))
        }
    }

    @Test func hyperparametersParseFromCommandLineText() throws {
        var settings = OptimizerSettings(kind: .adam)
        try settings.set(.betas, parsing: "0.8,0.95")
        try settings.set(.amsgrad, parsing: "true")
        try settings.set(.lr, parsing: "1e-2")
        #expect(settings == OptimizerSettings(kind: .adam, lr: 1e-2, betas: [0.8, 0.95], amsgrad: true))
        var lbfgs = OptimizerSettings(kind: .lbfgs)
        try lbfgs.set(.maxIter, parsing: "5")
        try lbfgs.set(.lineSearchFn, parsing: "strong_wolfe")
        try lbfgs.set(.maxEval, parsing: "none")
        #expect(lbfgs == OptimizerSettings(kind: .lbfgs, maxIter: 5, lineSearchFn: .strongWolfe))
        expectError(["--max_iter", "integer"]) { try lbfgs.set(.maxIter, parsing: "2.5") }
        expectError(["--amsgrad", "true or false"]) { try settings.set(.amsgrad, parsing: "yes") }
        expectError(["--line_search_fn"]) { try lbfgs.set(.lineSearchFn, parsing: "backtracking") }
    }

    @Test func helpHasOneLinePerOptimizerWithEveryDefault() {
        let lines = OptimizerSettings.helpLines()
        #expect(lines.count == OptimizerKind.allCases.count)
        for (line, entry) in zip(lines, OptimizerKind.catalog) {
            #expect(line.hasPrefix(entry.kind.rawValue + " ") && !line.contains("\n"))
            for parameter in entry.hyperparameters { #expect(line.contains("\(parameter.name.rawValue) \(parameter.defaultValue)"), "\(line)") }
        }
        #expect(lines[3].contains("lr 0.05") && lines[10].contains("lr 2.0"))
        let adam = OptimizerKind.adam.entry.helpLines()
        #expect(adam.count == 5 && adam[0].hasPrefix("--lr 0.05") && adam[0].contains("Lucent"))
    }
}
