import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

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
