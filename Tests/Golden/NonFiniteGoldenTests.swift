import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceGolden
import ReferenceTestSupport

/// Golden values that no tolerance can bound — ±inf and NaN — must be met
/// exactly, and tiny (subnormal) golden values must not break the report.
@Suite("Golden: non-finite and subnormal values")
struct NonFiniteGoldenTests {
    let loose = Tolerance(atol: 1, rtol: 1)

    func compare(_ actual: [Double], _ expected: [Double]) -> ArrayComparison {
        ArrayComparison.compare("x", actual: Tensor(shape: [actual.count], scalars: actual),
                                expected: Tensor(shape: [expected.count], scalars: expected), tolerance: loose)
    }

    @Test func anInfiniteGoldenValueIsMetOnlyByTheSameInfinity() {
        #expect(compare([1, .infinity], [1, .infinity]).passed)
        #expect(compare([-.infinity], [-.infinity]).passed)
        let finite = compare([1, 1e300], [1, .infinity])
        #expect(!finite.passed)
        #expect(finite.worstIndex == 1)
        #expect((finite.problem ?? "").contains("expected exactly inf"))
        #expect(!compare([-.infinity], [.infinity]).passed)
        #expect(!compare([.nan], [.infinity]).passed)
    }

    @Test func aNaNGoldenValueIsMetOnlyByANaN() {
        #expect(compare([.nan, 2], [.nan, 2]).passed)
        #expect(!compare([0], [.nan]).passed)
        #expect(!compare([.infinity], [.nan]).passed)
    }

    @Test func aNonFiniteActualValueFailsAgainstAFiniteGolden() {
        #expect(!compare([.nan], [0]).passed)
        #expect(!compare([.infinity], [0]).passed)
    }

    @Test func aSubnormalGoldenValueGivesAFiniteSafeReport() {
        let exact = compare([5e-324], [5e-324])
        #expect(exact.passed)
        let off = compare([1e-320], [5e-324])
        #expect(off.passed, "within atol 1")
        #expect(off.maxRelError > 1e3)
    }

    /// The committed `abs` case with an output made infinite: `golden check`
    /// fails it and says why (it used to pass, since |a − inf| ≤ inf).
    @Test func goldenCheckFailsAnInfiniteGoldenTheActualDoesNotMeet() throws {
        let golden = try TemporaryGolden(only: "abs-01-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        let file = golden.folder.folder(of: .op, name).appendingPathComponent("output_output.npy").path
        var output = try NumPyFile.read(path: file)
        output.scalars[0] = .infinity
        try NumPyFile.write(output, to: file)
        let report = GoldenKit.checkCase(.op, name, in: golden.folder)
        #expect(!report.passed)
        #expect(report.firstFailure?.name == "output_output")
    }
}
