import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// Runs the library's gradient checker on every registered op: the full
/// Jacobian by central differences, a random direction, the dot-product test
/// for linear inputs, zero cotangents and determinism, on every configuration
/// the op's registry entry generates.
@Suite("Registered op gradients")
struct RegisteredOpGradientTests {
    @Test("gradient checks pass", arguments: OpRegistry.names)
    func gradientsAreProven(opName: String) throws {
        let op = try OpRegistry.op(named: opName)
        let results = GradientChecker().check(op)
        #expect(!results.isEmpty, "\(opName) has no sample configurations")
        // Every configuration gets at least a Jacobian or direction check.
        #expect(results.contains { $0.check == .jacobian || $0.check == .direction })
        for failure in results where !failure.passed {
            Issue.record("\(opName) [\(failure.configuration)] \(failure.check.rawValue) \(failure.input): abs \(failure.maxAbsError) rel \(failure.maxRelError) \(failure.detail)")
        }
    }

    @Test("ops that declare linear inputs are checked by the dot-product test")
    func linearInputsAreAdjointTested() throws {
        for op in OpRegistry.all where !op.linearInputs.isEmpty {
            let results = GradientChecker().check(op)
            #expect(results.contains { $0.check == .adjoint }, "\(op.name) declares linear inputs but no adjoint test ran")
        }
    }
}
