import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

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
