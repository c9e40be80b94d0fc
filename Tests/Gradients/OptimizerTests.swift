import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The optimizers: each one's first steps against values worked by hand from
/// torch.optim's update rules, convergence on a convex quadratic and on the
/// Rosenbrock function, L-BFGS's line search pieces, the factory, and bad input.
@Suite("Optimizer")
struct OptimizerTests {
    // MARK: Helpers

    private func vector(_ values: [Double]) -> Tensor { Tensor(shape: [values.count], scalars: values) }

    /// |a − e| ≤ tolerance·max(1, |e|) elementwise.
    private func matches(_ actual: [Double], _ expected: [Double], tolerance: Double = 1e-15) -> Bool {
        actual.count == expected.count
            && zip(actual, expected).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
    }

    /// One plain step from `start` with gradient `gradient`; returns the new values.
    private func stepped(_ optimizer: inout some Optimizer, _ start: [Double], _ gradient: [Double]) throws -> [Double] {
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
    private func quadraticError(_ optimizer: some Optimizer, steps: Int) throws -> Double {
        var optimizer = optimizer
        var parameters = [Tensor.zeros([2]), Tensor.zeros([1])]
        for _ in 0..<steps { _ = try optimizer.step(&parameters, evaluate: Self.quadratic) }
        let x = parameters[0].scalars + parameters[1].scalars
        return zip(x, Self.quadraticSolution).map { abs($0 - $1) }.max() ?? .infinity
    }

    /// Rosenbrock's value after `steps` steps from the classic start (−1.2, 1), where f = 24.2.
    private func rosenbrockLoss(_ optimizer: some Optimizer, steps: Int) throws -> (loss: Double, point: [Double]) {
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

// MARK: - L-BFGS and its line search

extension OptimizerTests {
    /// f = ½(x² + 10y²), ∇f = (x, 10y).
    static func ellipse(_ parameters: [Tensor]) -> (loss: Double, gradients: [Tensor]) {
        let x = parameters[0].scalars
        return (0.5 * (x[0] * x[0] + 10 * x[1] * x[1]), [Tensor(shape: [2], scalars: [x[0], 10 * x[1]])])
    }

    @Test func lbfgsFirstIterationIsAScaledGradientStep() throws {
        var lbfgs = try LBFGS(maxIterations: 1)
        var p = [vector([1, 1])]
        // g = (1, 10), Σ|g| = 11: t = min(1, 1/11)·lr = 1/11, x1 = (1 − 1/11, 1 − 10/11).
        let loss = try lbfgs.step(&p, evaluate: Self.ellipse)
        #expect(loss == 5.5)
        #expect(matches(p[0].scalars, [10.0 / 11, 1.0 / 11]))
        #expect(lbfgs.functionEvaluations == 1 && lbfgs.iterationCount == 1)
    }

    /// torch.max propagates NaN, so PyTorch's L-BFGS does not take a NaN
    /// gradient for a converged one: it steps, and the parameters turn NaN
    /// (which the render loop then reports). Before, max|g| skipped the NaN
    /// and the step returned with the parameters untouched.
    @Test func lbfgsDoesNotTakeANaNGradientForConvergence() throws {
        var lbfgs = try LBFGS(maxIterations: 1)
        var p = [vector([1, 1])]
        _ = try lbfgs.step(&p) { _ in (1, [Tensor(shape: [2], scalars: [.nan, .nan])]) }
        let allNaN = p[0].scalars.allSatisfy { $0.isNaN }
        #expect(allNaN, "\(p[0].scalars)")
    }

    @Test func lbfgsSecondIterationIsTheBFGSUpdate() throws {
        // From x1 = (10/11, 1/11), g1 = (10/11, 10/11), s = −g0/11, y = g1 − g0 =
        // (−1/11, −100/11), H0 = yᵀs/yᵀy = 1001/10001. The BFGS inverse
        // H = (I − ρsyᵀ)H0(I − ρysᵀ) + ρssᵀ worked in exact fractions gives
        // x2 = x1 − H·g1 = (8091900/10011001, −80919/10011001).
        let expected = [8091900.0 / 10011001, -80919.0 / 10011001]

        // (max_eval must be raised: its default 2·5/4 = 2 stops after one iteration.)
        var oneCall = try LBFGS(maxIterations: 2, maxEvaluations: 3)
        var p = [vector([1, 1])]
        _ = try oneCall.step(&p, evaluate: Self.ellipse)
        #expect(matches(p[0].scalars, expected, tolerance: 1e-14))
        #expect(oneCall.functionEvaluations == 2 && oneCall.iterationCount == 2)

        // The history persists across calls: two calls of one iteration each agree.
        var twoCalls = try LBFGS(maxIterations: 1)
        var q = [vector([1, 1])]
        _ = try twoCalls.step(&q, evaluate: Self.ellipse)
        _ = try twoCalls.step(&q, evaluate: Self.ellipse)
        #expect(matches(q[0].scalars, expected, tolerance: 1e-14))
    }

    @Test func lbfgsStopsAtOnceOnAFlatGradient() throws {
        var lbfgs = try LBFGS()
        var p = [vector([0, 0])]
        #expect(try lbfgs.step(&p, evaluate: Self.ellipse) == 0)
        #expect(p[0].scalars == [0, 0] && lbfgs.iterationCount == 0 && lbfgs.functionEvaluations == 1)
    }

    @Test func lbfgsStallsWhereTheDirectionalDerivativeIsBelowToleranceChange() throws {
        // PyTorch's rule "stop if gᵀd > −tolerance_change" is absolute: with the
        // defaults, once |g|² is near 1e-9 further calls stop before moving.
        var lbfgs = try LBFGS()
        var p = [Tensor.zeros([2]), Tensor.zeros([1])]
        _ = try lbfgs.step(&p, evaluate: Self.quadratic)
        let reached = p
        let iterations = lbfgs.iterationCount
        _ = try lbfgs.step(&p, evaluate: Self.quadratic)
        #expect(p == reached)
        #expect(lbfgs.iterationCount == iterations + 1)
    }

    @Test func cubicInterpolationFindsAQuadraticsMinimum() {
        // f = (x − 1)² through x = 0 (f 1, f′ −2) and x = 3 (f 4, f′ 4):
        // d1 = −2 + 4 − 3·(1 − 4)/(0 − 3) = −1, d2 = √(1 + 8) = 3,
        // x* = 3 − 3·(4 + 3 + 1)/(4 + 2 + 6) = 1. Either order gives it.
        #expect(cubicInterpolate(0, 1, -2, 3, 4, 4) == 1)
        #expect(cubicInterpolate(3, 4, 4, 0, 1, -2) == 1)
        // Clamped to the bounds.
        #expect(cubicInterpolate(0, 1, -2, 3, 4, 4, bounds: (2, 5)) == 2)
        // No minimum (d1 = 1 + 1 − 3·(0 − 2/3)/(0 − 1) = 0, d1² − g1g2 = −1): the middle.
        #expect(cubicInterpolate(0, 0, 1, 1, 2.0 / 3, 1) == 0.5)
    }

    /// The line search on φ(t) = (t − 3)² from x = 0 along d = (1): f = 9, g = −6, gᵀd = −6.
    private func lineSearchOnParabola(initialStep: Double) throws -> LineSearchResult {
        try strongWolfeLineSearch({ t in ((t - 3) * (t - 3), [2 * (t - 3)]) },
                                  step: initialStep, direction: [1], loss: 9, gradient: [-6], directionalDerivative: -6)
    }

    @Test func strongWolfeAcceptsAGoodFirstStep() throws {
        // t = 1: φ = 4 ≤ 9 − 1e-4·6 and |φ′| = 4 ≤ 0.9·6: accepted as it is.
        let result = try lineSearchOnParabola(initialStep: 1)
        #expect(result.step == 1 && result.loss == 4 && result.gradient == [-4] && result.evaluations == 1)
    }

    @Test func strongWolfeZoomsIntoABracket() throws {
        // t = 10: φ = 49 > 9, so [0, 10] brackets; the cubic through (0, 9, −6) and
        // (10, 49, 14) is the parabola itself, whose minimum t = 3 has φ′ = 0: accepted.
        let result = try lineSearchOnParabola(initialStep: 10)
        #expect(abs(result.step - 3) < 1e-14 && result.loss < 1e-26 && result.evaluations == 2)
    }

    @Test func strongWolfeExtrapolatesAShortStep() throws {
        // t = 0.1: |φ′| = 5.8 > 5.4 and φ′ < 0, so it extrapolates: the parabola's
        // minimum 3 clamped to [0.1 + 0.01·0.1, 10·0.1] is t = 1, which is accepted.
        let result = try lineSearchOnParabola(initialStep: 0.1)
        #expect(result.step == 1 && result.loss == 4 && result.evaluations == 2)
    }
}

// MARK: - Convergence

extension OptimizerTests {
    // Each optimizer minimizes the quadratic from 0 (initial error 13/9) to the
    // stated error, and Rosenbrock from (−1.2, 1) (f = 24.2) to the stated loss.
    // Rates were chosen per optimizer; the tolerances are about 10× (or more)
    // above what these runs reach, and far below where they start.

    @Test func sgdConverges() throws {
        #expect(try quadraticError(SGD(lr: 0.2), steps: 150) < 1e-12)
        #expect(try rosenbrockLoss(SGD(lr: 1e-3), steps: 20000).loss < 1e-6)
    }

    @Test func momentumAndNesterovConverge() throws {
        #expect(try quadraticError(SGD(lr: 0.05, momentum: 0.9), steps: 600) < 1e-12)
        #expect(try quadraticError(SGD(lr: 0.05, momentum: 0.9, nesterov: true), steps: 600) < 1e-12)
        #expect(try rosenbrockLoss(SGD(lr: 1e-4, momentum: 0.9), steps: 20000).loss < 1e-6)
        #expect(try rosenbrockLoss(SGD(lr: 1e-4, momentum: 0.9, nesterov: true), steps: 20000).loss < 1e-6)
    }

    @Test func adamConverges() throws {
        #expect(try quadraticError(Adam(lr: 0.05), steps: 600) < 1e-12)
        #expect(try quadraticError(Adam(lr: 0.05, amsgrad: true), steps: 600) < 1e-12)
        #expect(try rosenbrockLoss(Adam(lr: 0.02), steps: 5000).loss < 1e-12)
        #expect(try rosenbrockLoss(Adam(lr: 0.02, amsgrad: true), steps: 10000).loss < 1e-9)
    }

    @Test func adamwConvergesNearTheMinimum() throws {
        // Decoupled decay (1e-2) pulls toward 0, so AdamW hovers near x* rather
        // than on it (its trajectory without decay is Adam's: see above).
        #expect(try quadraticError(AdamW(lr: 0.05), steps: 1000) < 1e-2)
        #expect(try rosenbrockLoss(AdamW(lr: 0.02), steps: 5000).loss < 1e-3)
    }

    @Test func rmspropConverges() throws {
        // Plain RMSprop's steps stay about lr in size (g/√v ~ ±1), so it hovers
        // within a few lr of the minimum; centered with momentum settles.
        #expect(try quadraticError(RMSprop(lr: 0.01), steps: 1000) < 3e-2)
        #expect(try rosenbrockLoss(RMSprop(lr: 1e-3), steps: 10000).loss < 2e-3)
        #expect(try quadraticError(RMSprop(lr: 1e-3, momentum: 0.9, centered: true), steps: 1000) < 1e-12)
        #expect(try rosenbrockLoss(RMSprop(lr: 1e-4, momentum: 0.9, centered: true), steps: 3000).loss < 1e-6)
    }

    @Test func adagradConverges() throws {
        #expect(try quadraticError(Adagrad(lr: 0.5), steps: 150) < 1e-12)
        #expect(try rosenbrockLoss(Adagrad(lr: 0.1), steps: 20000).loss < 1e-4)
    }

    @Test func adadeltaDecreasesSubstantially() throws {
        // Adadelta at its default lr 1 starts with 3e-3-sized steps and keeps
        // wandering near the minimum: only a substantial decrease is required.
        #expect(try quadraticError(Adadelta(), steps: 1000) < 0.1)
        #expect(try rosenbrockLoss(Adadelta(), steps: 1000).loss < 1.5)
    }

    @Test func normalizedGradientsReachAStepSizedNeighbourhood() throws {
        // Fixed-length steps cannot settle: they reach a neighbourhood about lr wide.
        #expect(try quadraticError(NormalizedGradient(lr: 0.01, normalization: .l2), steps: 300) < 2e-2)
        #expect(try rosenbrockLoss(NormalizedGradient(lr: 1e-3, normalization: .l2), steps: 10000).loss < 1e-3)
        // .std needs ≥ 2 elements per tensor: the quadratic as one (3,) tensor.
        var std = try NormalizedGradient(lr: 0.01, normalization: .std)
        var p = [Tensor.zeros([3])]
        for _ in 0..<300 { _ = try std.step(&p, evaluate: Self.quadratic) }
        #expect(zip(p[0].scalars, Self.quadraticSolution).allSatisfy { abs($0 - $1) < 0.1 })
        #expect(try rosenbrockLoss(NormalizedGradient(lr: 1e-3, normalization: .std), steps: 10000).loss < 1e-3)
    }

    @Test func lbfgsSolvesTheQuadratic() throws {
        // With tolerances tight enough not to stop it early, one call converges.
        for lineSearch in LBFGS.LineSearch.allCases {
            var lbfgs = try LBFGS(maxIterations: 100, toleranceGrad: 1e-12, toleranceChange: 1e-20, lineSearch: lineSearch)
            var p = [Tensor.zeros([2]), Tensor.zeros([1])]
            _ = try lbfgs.step(&p, evaluate: Self.quadratic)
            let x = p[0].scalars + p[1].scalars
            #expect(zip(x, Self.quadraticSolution).allSatisfy { abs($0 - $1) < 1e-10 })
            #expect(lbfgs.iterationCount < 20)
        }
    }

    @Test func lbfgsWithStrongWolfeSolvesRosenbrock() throws {
        // PyTorch's defaults apart from max_iter: one call reaches f < 1e-8 in < 100 iterations.
        var lbfgs = try LBFGS(maxIterations: 100, lineSearch: .strongWolfe)
        var p = [vector([-1.2, 1])]
        #expect(abs(try lbfgs.step(&p, evaluate: Self.rosenbrock) - 24.2) < 1e-12)
        #expect(Self.rosenbrock(p).loss < 1e-8)
        #expect(lbfgs.iterationCount < 60)
        // With tight tolerances the point itself is within 1e-8 of (1, 1).
        var tight = try LBFGS(maxIterations: 100, toleranceGrad: 1e-12, toleranceChange: 1e-20, lineSearch: .strongWolfe)
        var q = [vector([-1.2, 1])]
        _ = try tight.step(&q, evaluate: Self.rosenbrock)
        #expect(q[0].scalars.allSatisfy { abs($0 - 1) < 1e-8 })
        #expect(tight.iterationCount < 60)
    }

    @Test func lbfgsWithoutLineSearchSolvesRosenbrock() throws {
        var lbfgs = try LBFGS(maxIterations: 100)
        var p = [vector([-1.2, 1])]
        _ = try lbfgs.step(&p, evaluate: Self.rosenbrock)
        #expect(Self.rosenbrock(p).loss < 1e-10)
        #expect(lbfgs.iterationCount < 100 && lbfgs.functionEvaluations == lbfgs.iterationCount)
    }
}

// MARK: - Factory

extension OptimizerTests {
    @Test(arguments: optimizerNames.map { $0.name })
    func factoryMakesEveryListedName(name: String) throws {
        let optimizer = try makeOptimizer(name: name)
        #expect(optimizer.name == name)
        #expect(try makeOptimizer(name: name, learningRate: 0.5).name == name)
    }

    @Test func factoryUsesPyTorchDefaultsAndTheGivenRate() throws {
        let sgd = try #require(try makeOptimizer(name: "momentum") as? SGD)
        #expect(sgd.learningRate == 1e-3 && sgd.momentum == 0.9 && !sgd.nesterov)
        let nesterov = try #require(try makeOptimizer(name: "nesterov", learningRate: 0.25) as? SGD)
        #expect(nesterov.learningRate == 0.25 && nesterov.nesterov)
        let adam = try #require(try makeOptimizer(name: "adam") as? Adam)
        #expect(adam.learningRate == 1e-3 && adam.betas == (0.9, 0.999) && adam.eps == 1e-8)
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
