import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

// MARK: - Factory

extension OptimizerTests {
    @Test(arguments: optimizerNames.map { $0.name })
    func factoryMakesEveryListedName(name: String) throws {
        let optimizer = try makeOptimizer(name: name)
        #expect(optimizer.name == name)
        #expect(try makeOptimizer(name: name, learningRate: 0.5).name == name)
    }

    /// PyTorch's defaults, apart from the learning rates the catalog documents
    /// as refvis's own (adam 0.05, normalized_l2 2, normalized_std 1).
    @Test func factoryUsesPyTorchDefaultsAndTheGivenRate() throws {
        let sgd = try #require(try makeOptimizer(name: "momentum") as? SGD)
        #expect(sgd.learningRate == 1e-3 && sgd.momentum == 0.9 && !sgd.nesterov)
        let nesterov = try #require(try makeOptimizer(name: "nesterov", learningRate: 0.25) as? SGD)
        #expect(nesterov.learningRate == 0.25 && nesterov.nesterov)
        let adam = try #require(try makeOptimizer(name: "adam") as? Adam)
        #expect(adam.learningRate == 0.05 && adam.betas == (0.9, 0.999) && adam.eps == 1e-8)
        let adamw = try #require(try makeOptimizer(name: "adamw") as? AdamW)
        #expect(adamw.weightDecay == 1e-2)
        let rmsprop = try #require(try makeOptimizer(name: "rmsprop") as? RMSprop)
        #expect(rmsprop.learningRate == 1e-2 && rmsprop.alpha == 0.99)
        let adagrad = try #require(try makeOptimizer(name: "adagrad") as? Adagrad)
        #expect(adagrad.learningRate == 1e-2 && adagrad.eps == 1e-10)
        let adadelta = try #require(try makeOptimizer(name: "adadelta") as? Adadelta)
        #expect(adadelta.learningRate == 1 && adadelta.rho == 0.9 && adadelta.eps == 1e-6)
        let lbfgs = try #require(try makeOptimizer(name: "lbfgs") as? LBFGS)
        #expect(lbfgs.learningRate == 1 && lbfgs.maxIterations == 20 && lbfgs.maxEvaluations == 25)
        #expect(lbfgs.historySize == 100 && lbfgs.lineSearch == .none)
        let l2 = try #require(try makeOptimizer(name: "normalized_l2") as? NormalizedGradient)
        #expect(l2.learningRate == 2 && l2.eps == 1e-12)
        let std = try #require(try makeOptimizer(name: "normalized_std", learningRate: 0.01) as? NormalizedGradient)
        #expect(std.learningRate == 0.01 && std.eps == 1e-9)
    }

    @Test func factoryRejectsAnUnknownNameListingTheKnownOnes() {
        do {
            _ = try makeOptimizer(name: "adamax")
            Issue.record("expected an error")
        } catch let error as RefvisError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("adamax") && error.message.contains("adamw") && error.message.contains("normalized_std"))
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }
}

// MARK: - Bad input

extension OptimizerTests {
    static let makers: [(String, @Sendable (Double) throws -> any Optimizer)] = [
        ("sgd", { try SGD(lr: $0) }), ("adam", { try Adam(lr: $0) }), ("adamw", { try AdamW(lr: $0) }),
        ("rmsprop", { try RMSprop(lr: $0) }), ("adagrad", { try Adagrad(lr: $0) }), ("adadelta", { try Adadelta(lr: $0) }),
        ("lbfgs", { try LBFGS(lr: $0) }), ("normalized", { try NormalizedGradient(lr: $0) }),
    ]

    @Test(arguments: makers.map { $0.0 })
    func negativeOrNaNLearningRateIsRefused(name: String) throws {
        let make = try #require(Self.makers.first { $0.0 == name }).1
        #expect(throws: RefvisError.self) { try make(-0.1) }
        #expect(throws: RefvisError.self) { try make(.nan) }
        #expect(throws: RefvisError.self) { try make(.infinity) }
        _ = try make(0)  // lr = 0 is allowed, as in PyTorch
    }

    @Test func hyperparametersOutOfRangeAreRefused() {
        #expect(throws: RefvisError.self) { try Adam(betas: (1.0, 0.999)) }
        #expect(throws: RefvisError.self) { try Adam(betas: (0.9, 1.0)) }
        #expect(throws: RefvisError.self) { try AdamW(betas: (-0.1, 0.999)) }
        #expect(throws: RefvisError.self) { try Adam(eps: -1e-8) }
        #expect(throws: RefvisError.self) { try AdamW(weightDecay: -1) }
        #expect(throws: RefvisError.self) { try SGD(momentum: -0.9) }
        #expect(throws: RefvisError.self) { try SGD(nesterov: true) }
        #expect(throws: RefvisError.self) { try SGD(momentum: 0.9, dampening: 0.1, nesterov: true) }
        #expect(throws: RefvisError.self) { try RMSprop(alpha: -0.5) }
        #expect(throws: RefvisError.self) { try RMSprop(momentum: -1) }
        #expect(throws: RefvisError.self) { try Adagrad(lrDecay: -1) }
        #expect(throws: RefvisError.self) { try Adagrad(initialAccumulatorValue: -1) }
        #expect(throws: RefvisError.self) { try Adadelta(rho: 1.5) }
        #expect(throws: RefvisError.self) { try LBFGS(maxIterations: 0) }
        #expect(throws: RefvisError.self) { try LBFGS(maxEvaluations: 0) }
        #expect(throws: RefvisError.self) { try LBFGS(historySize: 0) }
        #expect(throws: RefvisError.self) { try NormalizedGradient(lr: 1, normalization: .l2, eps: 0) }
    }

    @Test func mismatchedGradientsAreRefused() throws {
        var adam = try Adam()
        var p = [vector([1, 2]), vector([3])]
        // Too few gradients, a wrongly shaped one, no parameters at all.
        #expect(throws: RefvisError.self) { try adam.step(&p, gradients: [vector([1, 2])]) }
        #expect(throws: RefvisError.self) { try adam.step(&p, gradients: [vector([1, 2, 3]), vector([3])]) }
        var none: [Tensor] = []
        #expect(throws: RefvisError.self) { try adam.step(&none, gradients: []) }
        // The failed steps recorded nothing: a good step still works, and
        // parameters of other shapes or number afterwards are refused.
        try adam.step(&p, gradients: [vector([1, 1]), vector([1])])
        var other = [vector([1, 2, 3])]
        #expect(throws: RefvisError.self) { try adam.step(&other, gradients: [vector([1, 1, 1])]) }
        var more = [vector([1, 2]), vector([3]), vector([4])]
        #expect(throws: RefvisError.self) { try adam.step(&more, gradients: [vector([1, 1]), vector([1]), vector([1])]) }
    }

    @Test func everyOptimizerChecksItsGradients() throws {
        for (_, make) in Self.makers {
            var optimizer = try make(0.1)
            var p = [vector([1, 2])]
            #expect(throws: RefvisError.self) { _ = try optimizer.step(&p) { _ in (0, [vector([1])]) } }
            #expect(throws: RefvisError.self) { _ = try optimizer.step(&p) { _ in (0, []) } }
        }
    }

    @Test func lbfgsNeedsAClosure() throws {
        var lbfgs = try LBFGS()
        var p = [vector([1, 2])]
        #expect(throws: RefvisError.self) { try lbfgs.step(&p, gradients: [vector([1, 1])]) }
    }

    @Test func normalizedStdNeedsTwoElements() throws {
        var optimizer = try NormalizedGradient(lr: 0.1, normalization: .std)
        var p = [vector([1, 2]), vector([3])]
        #expect(throws: RefvisError.self) { try optimizer.step(&p, gradients: [vector([1, 1]), vector([1])]) }
    }
}
