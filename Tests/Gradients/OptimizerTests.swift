import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The optimizers: each one's first steps against values worked by hand from
/// torch.optim's update rules (here), L-BFGS's line search pieces
/// (OptimizerLBFGSTests), convergence on a convex quadratic and on the
/// Rosenbrock function (OptimizerConvergenceTests), the factory and bad input
/// (OptimizerFactoryTests), settings (OptimizerSettingsTests) and saved state
/// (OptimizerStateTests). The helpers below are shared by all of those files.
@Suite("Optimizer")
struct OptimizerTests {
    // MARK: Helpers

    func vector(_ values: [Double]) -> Tensor { Tensor(shape: [values.count], scalars: values) }

    /// |a − e| ≤ tolerance·max(1, |e|) elementwise.
    func matches(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-15) -> Bool {
        actual.count == expected.count
            && zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    /// One plain step from `start` with gradient `gradient`; returns the new values.
    func stepped(_ optimizer: inout some Optimizer, _ start: [Double], _ gradient: [Double]) throws -> [Double] {
        var parameters = [vector(start)]
        try optimizer.step(&parameters, gradients: [vector(gradient)])
        return parameters[0].scalars
    }

    // The convex quadratic f(x) = ½xᵀAx − bᵀx in three unknowns, split over two
    // parameter tensors of shapes (2,) and (1,) to exercise several parameters.
    // A is symmetric positive definite (eigenvalues 3 ± √3 and 3); by hand,
    // 4x + y = 1, x + 3y + z = 2, y + 2z = 3 give x* = A⁻¹b = (2/9, 1/9, 13/9).
    static let quadraticMatrix: [[Double]] = [[4, 1, 0], [1, 3, 1], [0, 1, 2]]
    static let quadraticVector: [Double] = [1, 2, 3]
    static let quadraticSolution: [Double] = [2.0 / 9, 1.0 / 9, 13.0 / 9]

    /// Takes the three unknowns as tensors (2,) and (1,), or as one (3,) tensor.
    static func quadratic(_ parameters: [Tensor]) -> (loss: Double, gradients: [Tensor]) {
        let x = parameters.flatMap(\.scalars)
        var gradient = [Double](repeating: 0, count: 3)
        var loss = 0.0
        for i in 0..<3 {
            var ax = 0.0
            for j in 0..<3 { ax += quadraticMatrix[i][j] * x[j] }
            loss += 0.5 * x[i] * ax - quadraticVector[i] * x[i]
            gradient[i] = ax - quadraticVector[i]
        }
        if parameters.count == 1 { return (loss, [Tensor(shape: [3], scalars: gradient)]) }
        return (loss, [Tensor(shape: [2], scalars: [gradient[0], gradient[1]]), Tensor(shape: [1], scalars: [gradient[2]])])
    }

    /// Rosenbrock's f(x, y) = (1 − x)² + 100(y − x²)², minimum 0 at (1, 1).
    static func rosenbrock(_ parameters: [Tensor]) -> (loss: Double, gradients: [Tensor]) {
        let x = parameters[0].scalars[0], y = parameters[0].scalars[1]
        let valley = y - x * x
        let loss = (1 - x) * (1 - x) + 100 * valley * valley
        return (loss, [Tensor(shape: [2], scalars: [-2 * (1 - x) - 400 * x * valley, 200 * valley])])
    }

    /// The largest |xᵢ − x*ᵢ| after `steps` closure-driven steps on the quadratic from 0.
    func quadraticError(_ optimizer: some Optimizer, steps: Int) throws -> Double {
        var optimizer = optimizer
        var parameters = [Tensor.zeros([2]), Tensor.zeros([1])]
        for _ in 0..<steps { _ = try optimizer.step(&parameters, evaluate: Self.quadratic) }
        let x = parameters[0].scalars + parameters[1].scalars
        return zip(x, Self.quadraticSolution).map { abs($0 - $1) }.max() ?? .infinity
    }

    /// Rosenbrock's value after `steps` steps from the classic start (−1.2, 1), where f = 24.2.
    func rosenbrockLoss(_ optimizer: some Optimizer, steps: Int) throws -> (loss: Double, point: [Double]) {
        var optimizer = optimizer
        var parameters = [vector([-1.2, 1])]
        for _ in 0..<steps { _ = try optimizer.step(&parameters, evaluate: Self.rosenbrock) }
        return (Self.rosenbrock(parameters).loss, parameters[0].scalars)
    }
}

// MARK: - First steps worked by hand

extension OptimizerTests {
    @Test func sgdStepsAgainstTheGradient() throws {
        var sgd = try SGD(lr: 0.1)
        // θ − lr·g = [1 − 0.05, −2 − 0.4]
        #expect(matches(try stepped(&sgd, [1, -2], [0.5, 4]), [0.95, -2.4]))
    }

    @Test func sgdWeightDecayAddsLambdaTheta() throws {
        var sgd = try SGD(lr: 0.1, weightDecay: 0.1)
        // g + λθ = [0.5 + 0.1, 4 − 0.2] = [0.6, 3.8]; θ − 0.1·that = [0.94, −2.38]
        #expect(matches(try stepped(&sgd, [1, -2], [0.5, 4]), [0.94, -2.38]))
    }

    @Test func sgdMomentumBufferStartsAtTheGradientWithoutDampening() throws {
        var sgd = try SGD(lr: 0.1, momentum: 0.9, dampening: 0.5)
        var p = [vector([0, 0])]
        // Step 1: b = g1 = [1, −2] (no dampening yet): θ = −0.1·b = [−0.1, 0.2].
        try sgd.step(&p, gradients: [vector([1, -2])])
        #expect(matches(p[0].scalars, [-0.1, 0.2]))
        // Step 2: b = 0.9·[1, −2] + (1 − 0.5)·[3, 1] = [2.4, −1.3]; θ = [−0.1 − 0.24, 0.2 + 0.13].
        try sgd.step(&p, gradients: [vector([3, 1])])
        #expect(matches(p[0].scalars, [-0.34, 0.33]))
    }

    @Test func sgdNesterovLooksAhead() throws {
        var sgd = try SGD(lr: 0.1, momentum: 0.9, nesterov: true)
        var p = [vector([0, 0])]
        // Step 1: b = g1 = [1, −2]; d = g1 + 0.9·b = 1.9·g1; θ = −0.19·g1 = [−0.19, 0.38].
        try sgd.step(&p, gradients: [vector([1, -2])])
        #expect(matches(p[0].scalars, [-0.19, 0.38]))
        // Step 2: b = 0.9·[1, −2] + [3, 1] = [3.9, −0.8]; d = [3, 1] + 0.9·b = [6.51, 0.28];
        // θ = [−0.19 − 0.651, 0.38 − 0.028] = [−0.841, 0.352].
        try sgd.step(&p, gradients: [vector([3, 1])])
        #expect(matches(p[0].scalars, [-0.841, 0.352], tolerance: 1e-14))
    }

    @Test func adamFirstStepIsLearningRateTimesSignUpToEps() throws {
        var adam = try Adam(lr: 0.1)
        // m = 0.1·g, v = 0.001·g²; m/(1 − 0.9) = g and √v/√(1 − 0.999) = |g|, so
        // Δθ = −lr·g/(|g| + eps) with eps = 1e-8 added *after* the bias correction.
        // For g = 1e-7 eps matters: −0.1·1e-7/(1e-7 + 1e-8) = −0.1/1.1. (eps inside
        // the root would give −0.1·1e-7/√(1e-14 + 1e-8) ≈ −1e-4; eps before the
        // correction −0.1·1e-7/(1e-7 + 1e-8/√0.001) ≈ −0.024.)
        let step = try stepped(&adam, [0, 0, 0], [0.5, -2, 1e-7])
        let expected = [-0.1 * 0.5 / (0.5 + 1e-8), 0.1 * 2 / (2 + 1e-8), -0.1 * 1e-7 / (1e-7 + 1e-8)]
        #expect(matches(step, expected, tolerance: 1e-14))
        #expect(abs(step[2] + 0.1 / 1.1) < 1e-15)
    }

    @Test func adamSecondStepUsesBothBiasCorrections() throws {
        var adam = try Adam(lr: 0.1)
        var p = [vector([0])]
        try adam.step(&p, gradients: [vector([0.5])])
        let first = -0.1 * 0.5 / (0.5 + 1e-8)
        // m2 = 0.9·0.05 + 0.1·(−1) = −0.055; v2 = 0.999·0.00025 + 0.001·1 = 0.00124975;
        // 1 − 0.9² = 0.19, 1 − 0.999² = 0.001999:
        // θ2 = θ1 − (0.1/0.19)·(−0.055)/(√0.00124975/√0.001999 + 1e-8) ≈ θ1 + 0.036611.
        try adam.step(&p, gradients: [vector([-1])])
        let second = first - (0.1 / 0.19) * -0.055 / ((0.00124975).squareRoot() / (0.001999).squareRoot() + 1e-8)
        #expect(matches(p[0].scalars, [second], tolerance: 1e-13))
    }

    @Test func amsgradKeepsTheLargestSecondMoment() throws {
        // g1 = 2, g2 = 0: v1 = 0.004, v2 = 0.999·0.004 = 0.003996 < v1, so AMSGrad
        // divides by √0.004 where Adam divides by √0.003996. m2 = 0.9·0.2 = 0.18.
        var amsgrad = try Adam(lr: 0.1, amsgrad: true)
        var adam = try Adam(lr: 0.1)
        var p = [vector([0])], q = [vector([0])]
        for g in [2.0, 0.0] {
            try amsgrad.step(&p, gradients: [vector([g])])
            try adam.step(&q, gradients: [vector([g])])
        }
        let first = -0.1 * 2 / (2 + 1e-8)
        let root = (0.001999).squareRoot()
        #expect(matches(p[0].scalars, [first - (0.1 / 0.19) * 0.18 / ((0.004).squareRoot() / root + 1e-8)], tolerance: 1e-13))
        #expect(matches(q[0].scalars, [first - (0.1 / 0.19) * 0.18 / ((0.003996).squareRoot() / root + 1e-8)], tolerance: 1e-13))
    }

    @Test func adamWeightDecayIsAnL2TermInTheGradient() throws {
        var adam = try Adam(lr: 0.1, weightDecay: 0.1)
        // g = 0 becomes λθ = [0.1, −0.3], and the first step is −lr·λθ/(|λθ| + eps).
        let step = try stepped(&adam, [1, -3], [0, 0])
        #expect(matches(step, [1 - 0.1 * 0.1 / (0.1 + 1e-8), -3 + 0.1 * 0.3 / (0.3 + 1e-8)], tolerance: 1e-14))
    }

    @Test func adamwDecaysTheParametersBeforeAndApartFromAdam() throws {
        // With g = 0 the moments stay 0 and only θ·(1 − lr·λ) = θ·(1 − 0.1·0.01) acts.
        var adamw = try AdamW(lr: 0.1)
        #expect(adamw.weightDecay == 1e-2)
        #expect(matches(try stepped(&adamw, [1, -3], [0, 0]), [0.999, -2.997]))
        // With a gradient: θ·0.999 − lr·g/(|g| + eps).
        var withGradient = try AdamW(lr: 0.1)
        #expect(matches(try stepped(&withGradient, [1], [0.5]), [0.999 - 0.1 * 0.5 / (0.5 + 1e-8)], tolerance: 1e-14))
    }

    @Test func adamwWithoutDecayIsAdam() throws {
        var adam = try Adam(lr: 0.05), adamw = try AdamW(lr: 0.05, weightDecay: 0)
        var p = [vector([-1.2, 1])], q = p
        for _ in 0..<50 {
            _ = try adam.step(&p, evaluate: Self.rosenbrock)
            _ = try adamw.step(&q, evaluate: Self.rosenbrock)
        }
        #expect(p == q)
    }

    @Test func rmspropFirstStep() throws {
        var rmsprop = try RMSprop(lr: 0.01)
        // v = (1 − 0.99)·g² = 0.01·g²; Δθ = −lr·g/(√(0.01·g²) + eps) = −0.01·g/(0.1·|g| + 1e-8) ≈ −0.1·sign(g).
        let expected = [-0.01 * 0.5 / (0.1 * 0.5 + 1e-8), 0.01 * 2 / (0.1 * 2 + 1e-8)]
        #expect(matches(try stepped(&rmsprop, [0, 0], [0.5, -2]), expected, tolerance: 1e-14))
    }

    @Test func rmspropCenteredSubtractsTheSquaredMean() throws {
        var rmsprop = try RMSprop(lr: 0.01, centered: true)
        // g_avg = 0.01·g, so v − g_avg² = (0.01 − 0.0001)·g² = 0.0099·g².
        let expected = [-0.01 * 0.5 / ((0.0099).squareRoot() * 0.5 + 1e-8), 0.01 * 2 / ((0.0099).squareRoot() * 2 + 1e-8)]
        #expect(matches(try stepped(&rmsprop, [0, 0], [0.5, -2]), expected, tolerance: 1e-14))
    }

    @Test func rmspropMomentumBufferStartsAtZero() throws {
        var rmsprop = try RMSprop(lr: 0.01, momentum: 0.5)
        var p = [vector([0])]
        // Step 1: v1 = 0.0025, a1 = 0.05 + 1e-8, b1 = 0.5/a1 (0.5·0 + g/a), θ1 = −0.01·b1.
        try rmsprop.step(&p, gradients: [vector([0.5])])
        let b1 = 0.5 / (0.05 + 1e-8)
        #expect(matches(p[0].scalars, [-0.01 * b1], tolerance: 1e-14))
        // Step 2: v2 = 0.99·0.0025 + 0.01·1 = 0.012475, b2 = 0.5·b1 − 1/(√0.012475 + 1e-8).
        try rmsprop.step(&p, gradients: [vector([-1])])
        let b2 = 0.5 * b1 - 1 / ((0.012475).squareRoot() + 1e-8)
        #expect(matches(p[0].scalars, [-0.01 * b1 - 0.01 * b2], tolerance: 1e-13))
    }

    @Test func adagradAccumulatesSquaresAndDecaysTheRate() throws {
        var adagrad = try Adagrad(lr: 0.1, lrDecay: 0.5)
        var p = [vector([0, 0])]
        // Step 1: s = g², Δθ = −0.1·g/(|g| + 1e-10).
        try adagrad.step(&p, gradients: [vector([0.5, -2])])
        let first = [-0.1 * 0.5 / (0.5 + 1e-10), 0.1 * 2 / (2 + 1e-10)]
        #expect(matches(p[0].scalars, first, tolerance: 1e-14))
        // Step 2: lr_2 = 0.1/(1 + 1·0.5); s = [0.25 + 1, 4 + 1] = [1.25, 5].
        try adagrad.step(&p, gradients: [vector([1, 1])])
        let rate = 0.1 / 1.5
        let second = [first[0] - rate / ((1.25).squareRoot() + 1e-10), first[1] - rate / ((5.0).squareRoot() + 1e-10)]
        #expect(matches(p[0].scalars, second, tolerance: 1e-14))
    }

    @Test func adagradInitialAccumulatorAndWeightDecay() throws {
        var accumulated = try Adagrad(lr: 0.1, initialAccumulatorValue: 1)
        // s = 1 + 0.25: Δθ = −0.1·0.5/(√1.25 + 1e-10).
        #expect(matches(try stepped(&accumulated, [0], [0.5]), [-0.1 * 0.5 / ((1.25).squareRoot() + 1e-10)], tolerance: 1e-14))
        var decayed = try Adagrad(lr: 0.1, weightDecay: 0.1)
        // g = 0 + 0.1·2 = 0.2: θ = 2 − 0.1·0.2/(0.2 + 1e-10).
        #expect(matches(try stepped(&decayed, [2], [0]), [2 - 0.1 * 0.2 / (0.2 + 1e-10)], tolerance: 1e-14))
    }

    @Test func adadeltaFirstStepIsTiny() throws {
        var adadelta = try Adadelta()
        var p = [vector([0, 0])]
        // v1 = 0.1·g²; Δ1 = √(0 + 1e-6)/√(0.1·g² + 1e-6)·g ≈ 3.16e-3·sign(g) even with lr = 1.
        try adadelta.step(&p, gradients: [vector([0.5, -2])])
        let delta1 = [0.5, -2].map { g in (1e-6).squareRoot() / (0.1 * g * g + 1e-6).squareRoot() * g }
        #expect(matches(p[0].scalars, delta1.map { -$0 }, tolerance: 1e-14))
        #expect(p[0].scalars.allSatisfy { abs($0) < 3.2e-3 && abs($0) > 3.1e-3 })
        // Step 2 with the same g: u1 = 0.1·Δ1², v2 = 0.9·0.1·g² + 0.1·g² = 0.19·g²,
        // Δ2 = √(u1 + 1e-6)/√(0.19·g² + 1e-6)·g.
        try adadelta.step(&p, gradients: [vector([0.5, -2])])
        let delta2 = zip([0.5, -2.0], delta1).map { g, d1 in
            (0.1 * d1 * d1 + 1e-6).squareRoot() / (0.19 * g * g + 1e-6).squareRoot() * g
        }
        #expect(matches(p[0].scalars, [-delta1[0] - delta2[0], -delta1[1] - delta2[1]], tolerance: 1e-14))
    }

    @Test func normalizedL2StepHasLengthLearningRatePerTensor() throws {
        var optimizer = try NormalizedGradient(lr: 0.5, normalization: .l2)
        var p = [vector([0, 0]), vector([1])]
        // [3, 4]/5 and [12]/12: each tensor moves by exactly lr.
        try optimizer.step(&p, gradients: [vector([3, 4]), vector([12])])
        #expect(matches(p[0].scalars, [-0.3, -0.4]))
        #expect(matches(p[1].scalars, [0.5]))
    }

    @Test func normalizedL2FloorsTheSumOfSquaresAtEps() throws {
        // Σg² = 1e-14 < 1e-12, so the divisor is √1e-12 = 1e-6 (TensorFlow's
        // l2_normalize): the step is 0.5·1e-7/1e-6 = 0.05, not 0.5.
        var optimizer = try NormalizedGradient(lr: 0.5)
        #expect(matches(try stepped(&optimizer, [0], [1e-7]), [-0.05]))
        // A zero gradient does not move anything.
        #expect(try stepped(&optimizer, [0.25], [0]) == [0.25])
    }

    @Test func normalizedStdDividesBySampleStandardDeviation() throws {
        var optimizer = try NormalizedGradient(lr: 0.1, normalization: .std)
        // [1, 2, 3, 4]: mean 2.5, Σ(g − mean)² = 5, std with divisor n − 1 = √(5/3).
        let divisor = (5.0 / 3).squareRoot() + 1e-9
        #expect(matches(try stepped(&optimizer, [0, 0, 0, 0], [1, 2, 3, 4]), [1, 2, 3, 4].map { -0.1 * ($0 / divisor) }))
    }

    @Test func closureDrivenStepEvaluatesOnceAndReturnsTheStartingLoss() throws {
        var sgd = try SGD(lr: 0.01)
        var p = [vector([-1.2, 1])]
        var calls = 0
        let loss = try sgd.step(&p) { parameters in
            calls += 1
            return Self.rosenbrock(parameters)
        }
        // f(−1.2, 1) = 2.2² + 100·0.44² = 4.84 + 19.36; ∇f = (−215.6, −88).
        #expect(abs(loss - 24.2) < 1e-12)
        #expect(calls == 1)
        #expect(matches(p[0].scalars, [-1.2 + 2.156, 1 + 0.88], tolerance: 1e-14))
    }
}
