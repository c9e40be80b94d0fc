import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The checker itself must be able to fail: a deliberately wrong VJP, a VJP
/// that leaks a constant into zero cotangents, and a wrong adjoint are all
/// reported as failures.
@Suite("The gradient checker can fail")
struct CheckerCatchesWrongGradients {
    private func square(vjpScale: Double, leak: Double = 0, linear: Bool = false) -> OpDefinition {
        OpDefinition(
            name: "test_square", summary: "", inputs: [OpInput("input")],
            linearIn: linear ? ["input"] : [],
            forward: { inputs, _ in [inputs[0].map { $0 * $0 }] },
            vjp: { inputs, _, cotangents, _ in
                [inputs[0].zipMap(cotangents[0]) { x, g in vjpScale * 2 * x * g + leak }]
            },
            samples: { rng in [OpSample("shape=(3,)", inputs: [rng.uniformTensor([3], 0.5, 1.5)])] })
    }

    @Test func correctVJPPasses() {
        let results = GradientChecker().check(square(vjpScale: 1))
        #expect(results.allSatisfy { $0.passed })
    }

    @Test func wrongVJPFailsTheJacobianAndDirectionChecks() {
        let results = GradientChecker().check(square(vjpScale: 1.001))
        #expect(results.contains { $0.check == .jacobian && !$0.passed })
        #expect(results.contains { $0.check == .direction && !$0.passed })
    }

    @Test func leakingVJPFailsTheZeroCotangentCheck() {
        let results = GradientChecker().check(square(vjpScale: 1, leak: 1e-300))
        #expect(results.contains { $0.check == .zero && !$0.passed })
    }

    @Test func falselyLinearOpFailsTheAdjointCheck() {
        // x² is not linear: f(u) − f(0) ≠ J u, so the dot-product test must fail.
        let results = GradientChecker().check(square(vjpScale: 1, linear: true))
        #expect(results.contains { $0.check == .adjoint && !$0.passed })
    }
}
