import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

// MARK: - Saved state

/// An optimizer's settings with a label for the test list.
struct OptimizerStateCase: Sendable, CustomTestStringConvertible {
    let label: String
    let settings: OptimizerSettings
    var testDescription: String { label }

    init(_ label: String, _ settings: OptimizerSettings) {
        self.label = label
        self.settings = settings
    }
}

extension OptimizerTests {
    /// Every kind with its defaults, and the settings that add state
    /// (momentum buffers, AMSGrad's maximum, RMSprop's mean, a short L-BFGS
    /// history that drops its oldest pairs, several L-BFGS calls in progress).
    static let stateCases: [OptimizerStateCase] = OptimizerKind.allCases.map { OptimizerStateCase($0.rawValue, OptimizerSettings(kind: $0)) } + [
        OptimizerStateCase("sgd, momentum, dampening, decay", OptimizerSettings(kind: .sgd, momentum: 0.5, dampening: 0.1, weightDecay: 0.01)),
        OptimizerStateCase("nesterov, decay", OptimizerSettings(kind: .nesterov, weightDecay: 0.01)),
        OptimizerStateCase("adam, amsgrad, decay", OptimizerSettings(kind: .adam, lr: 0.02, weightDecay: 0.01, amsgrad: true)),
        OptimizerStateCase("adamw, amsgrad", OptimizerSettings(kind: .adamw, lr: 0.02, amsgrad: true)),
        OptimizerStateCase("rmsprop, centered, momentum, decay",
                           OptimizerSettings(kind: .rmsprop, lr: 1e-3, momentum: 0.5, weightDecay: 0.01, centered: true)),
        OptimizerStateCase("adagrad, lr_decay, accumulator", OptimizerSettings(kind: .adagrad, lrDecay: 0.1, initialAccumulatorValue: 0.1)),
        OptimizerStateCase("adadelta, decay", OptimizerSettings(kind: .adadelta, weightDecay: 0.01)),
        OptimizerStateCase("lbfgs, max_iter 3, history 2", OptimizerSettings(kind: .lbfgs, lr: 0.5, maxIter: 3, historySize: 2)),
        OptimizerStateCase("lbfgs_strong_wolfe, max_iter 3, history 2",
                           OptimizerSettings(kind: .lbfgsStrongWolfe, maxIter: 3, historySize: 2)),
    ]

    /// The extended Rosenbrock function Σᵢ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)² in seven
    /// unknowns, held as a (2, 2) and a (3,) tensor.
    static func chainedRosenbrock(_ parameters: [Tensor]) -> (loss: Double, gradients: [Tensor]) {
        let x = parameters.flatMap(\.scalars)
        var gradient = [Double](repeating: 0, count: x.count)
        var loss = 0.0
        for i in 0..<(x.count - 1) {
            let valley = x[i + 1] - x[i] * x[i]
            loss += 100 * valley * valley + (1 - x[i]) * (1 - x[i])
            gradient[i] += -400 * x[i] * valley - 2 * (1 - x[i])
            gradient[i + 1] += 200 * valley
        }
        return (loss, [Tensor(shape: [2, 2], scalars: Array(gradient[0..<4])), Tensor(shape: [3], scalars: Array(gradient[4...]))])
    }

    static let chainStart = [Tensor(shape: [2, 2], scalars: [-1.2, 1, 0.5, -0.3]), Tensor(shape: [3], scalars: [0.8, 1.1, -0.7])]

    private func run(_ optimizer: inout any Optimizer, _ parameters: inout [Tensor], steps: Int) throws {
        for _ in 0..<steps { _ = try optimizer.step(&parameters, evaluate: Self.chainedRosenbrock) }
    }

    private func sameState(_ a: [String: Tensor], _ b: [String: Tensor]) -> Bool {
        Set(a.keys) == Set(b.keys) && a.allSatisfy { name, tensor in b[name].map { sameBits($0, tensor) } ?? false }
    }

    @Test func stateCasesCoverEveryKind() {
        #expect(Set(Self.stateCases.map(\.settings.kind)) == Set(OptimizerKind.allCases))
    }

    /// k steps, save, a fresh optimizer from the same settings restores and
    /// takes n more: bitwise the parameters (and state) of k + n steps in one go.
    @Test(arguments: stateCases)
    func restoredStateContinuesBitwise(_ testCase: OptimizerStateCase) throws {
        let k = 3, n = 4
        var whole = try testCase.settings.make()
        var p = Self.chainStart
        try run(&whole, &p, steps: k + n)

        var first = try testCase.settings.make()
        #expect(first.stateTensors().isEmpty)
        var q = Self.chainStart
        try run(&first, &q, steps: k)
        let state = first.stateTensors()
        #expect(state["param_shape.0"] == Tensor(shape: [2], scalars: [2, 2]))
        #expect(state["param_shape.1"] == Tensor(shape: [1], scalars: [3]))

        var resumed = try testCase.settings.make()
        try resumed.restoreState(state)
        #expect(sameState(resumed.stateTensors(), state))
        let atRestore = q
        try run(&resumed, &q, steps: n)

        #expect(zip(p, q).allSatisfy { sameBits($0, $1) }, "\(p) vs \(q)")
        #expect(sameState(resumed.stateTensors(), whole.stateTensors()))
        #expect(p.allSatisfy { $0.scalars.allSatisfy(\.isFinite) } && p != Self.chainStart)

        // Not vacuous: where there is state beyond the shapes, a fresh optimizer continues differently.
        if state.keys.contains(where: { !$0.hasPrefix("param_shape.") }) {
            var fresh = try testCase.settings.make()
            var r = atRestore
            try run(&fresh, &r, steps: n)
            #expect(r != p)
        }
    }

    @Test func countsAreZeroDimensionalAndExact() throws {
        var adam = try OptimizerSettings(kind: .adam).make()
        var p = Self.chainStart
        try run(&adam, &p, steps: 5)
        #expect(adam.stateTensors()["step"] == Tensor(scalar: 5))
        var lbfgs = try OptimizerSettings(kind: .lbfgs, maxIter: 2, maxEval: 3, historySize: 1).make()
        p = Self.chainStart
        try run(&lbfgs, &p, steps: 3)
        let state = lbfgs.stateTensors()
        #expect(state["n_iter"] == Tensor(scalar: 6) && state["func_evals"]?.shape == [])
        #expect(state["old_dirs"]?.shape == [1, 7] && state["old_stps"]?.shape == [1, 7] && state["ro"]?.shape == [1])
        #expect(state["d"]?.shape == [7] && state["prev_flat_grad"]?.shape == [7] && state["t"]?.shape == [])
    }

    /// Adam after two steps on the chain's (2, 2) and (3,) tensors.
    private func adamState(amsgrad: Bool = false) throws -> [String: Tensor] {
        var adam = try OptimizerSettings(kind: .adam, amsgrad: amsgrad).make()
        var p = Self.chainStart
        try run(&adam, &p, steps: 2)
        return adam.stateTensors()
    }

    @Test func aStateWithAWrongNameOrShapeIsRefused() throws {
        let good = try adamState()
        func refused(_ fragments: [String], _ state: [String: Tensor]) throws {
            var adam = try OptimizerSettings(kind: .adam).make()
            expectError(fragments) { try adam.restoreState(state) }
        }
        var wrongShape = good
        wrongShape["exp_avg.1"] = Tensor.zeros([2])
        try refused(["adam", "'exp_avg.1'", "(3,)", "(2,)"], wrongShape)
        var missing = good
        missing["exp_avg_sq.0"] = nil
        try refused(["adam", "no 'exp_avg_sq.0'"], missing)
        var extra = good
        extra["momentum_buffer.0"] = Tensor.zeros([2, 2])
        try refused(["adam", "unexpected state 'momentum_buffer.0'"], extra)
        var fractionalStep = good
        fractionalStep["step"] = Tensor(scalar: 2.5)
        try refused(["'step'", "whole number", "2.5"], fractionalStep)
        var vectorStep = good
        vectorStep["step"] = Tensor(shape: [1], scalars: [2])
        try refused(["'step'", "()"], vectorStep)
        var noShapes = good
        noShapes["param_shape.0"] = nil
        noShapes["param_shape.1"] = nil
        try refused(["param_shape.0"], noShapes)
        var badShape = good
        badShape["param_shape.1"] = Tensor(shape: [1], scalars: [-3])
        try refused(["'param_shape.1'", "-3"], badShape)
        // AMSGrad's state does not fit Adam without it, nor the other way round.
        try refused(["unexpected state 'max_exp_avg_sq.0'"], try adamState(amsgrad: true))
        var amsgrad = try OptimizerSettings(kind: .adam, amsgrad: true).make()
        expectError("no 'max_exp_avg_sq.0'") { try amsgrad.restoreState(good) }
        // Another optimizer's state is refused too.
        var rmsprop = try OptimizerSettings(kind: .rmsprop).make()
        expectError("rmsprop") { try rmsprop.restoreState(good) }
    }

    @Test func lbfgsRefusesAHistoryLongerThanItsHistorySize() throws {
        var long = try OptimizerSettings(kind: .lbfgs, maxIter: 5).make()
        var p = Self.chainStart
        try run(&long, &p, steps: 1)
        let state = long.stateTensors()
        #expect((state["ro"]?.shape[0] ?? 0) > 2)
        var short = try OptimizerSettings(kind: .lbfgs, maxIter: 5, historySize: 2).make()
        expectError(["lbfgs", "'ro'", "history_size 2"]) { try short.restoreState(state) }
        var truncated = state
        truncated["old_dirs"] = Tensor.zeros([1, 7])
        expectError(["'old_dirs'", "(1, 7)"]) { try long.restoreState(truncated) }
    }

    @Test func aRefusedStateLeavesTheOptimizerAsItWas() throws {
        var adam = try OptimizerSettings(kind: .adam).make()
        var p = Self.chainStart
        try run(&adam, &p, steps: 2)
        let before = adam.stateTensors()
        var bad = before
        bad["exp_avg_sq.1"] = Tensor.zeros([4])
        expectError("exp_avg_sq.1") { try adam.restoreState(bad) }
        #expect(sameState(adam.stateTensors(), before))
    }

    @Test func anEmptyStateMakesTheOptimizerFresh() throws {
        for testCase in Self.stateCases {
            var used = try testCase.settings.make()
            var p = Self.chainStart
            try run(&used, &p, steps: 2)
            try used.restoreState([:])
            #expect(used.stateTensors().isEmpty, "\(testCase.label)")
            var fresh = try testCase.settings.make()
            var q = Self.chainStart, r = Self.chainStart
            try run(&used, &q, steps: 2)
            try run(&fresh, &r, steps: 2)
            #expect(zip(q, r).allSatisfy { sameBits($0, $1) }, "\(testCase.label)")
        }
    }

    @Test func restoredShapesAreEnforced() throws {
        for kind in [OptimizerKind.sgd, .normalizedL2, .adam, .lbfgs] {
            var first = try OptimizerSettings(kind: kind).make()
            var p = Self.chainStart
            try run(&first, &p, steps: 1)
            var resumed = try OptimizerSettings(kind: kind).make()
            try resumed.restoreState(first.stateTensors())
            var other = [Tensor.zeros([7])]
            #expect(throws: RefvisError.self, "\(kind)") {
                _ = try resumed.step(&other) { _ in (0, [Tensor.zeros([7])]) }
            }
        }
    }

    /// An optimizer written outside refvis gets the protocol's defaults: no
    /// state, and a non-empty state is refused rather than ignored.
    @Test func anOutsideOptimizerHasNoStateAndRefusesOne() throws {
        struct Halving: Optimizer {
            var name: String { "halving" }
            mutating func step(_ parameters: inout [Tensor], gradients: [Tensor]) throws {
                parameters = parameters.map { Tensor(shape: $0.shape, scalars: $0.scalars.map { $0 / 2 }) }
            }
        }
        var optimizer = Halving()
        #expect(optimizer.stateTensors().isEmpty)
        try optimizer.restoreState([:])
        expectError(["halving", "cannot restore"]) { try optimizer.restoreState(["step": Tensor(scalar: 1)]) }
    }
}
