import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceTestSupport

/// `refvis golden check` reports what it cannot bound instead of trapping on it.
@Suite("refvis golden check: extreme golden values")
struct GoldenReportTests {
    /// A copy of the committed case `abs-01-shape_5` whose output element 0 is `value`.
    func caseWithOutput(_ value: Double) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        let source = URL(fileURLWithPath: RepositoryFixtures.directory()).appendingPathComponent("golden/ops/abs-01-shape_5")
        let opsFolder = dir.url.appendingPathComponent("ops")
        try FileManager.default.createDirectory(at: opsFolder, withIntermediateDirectories: true)
        let target = opsFolder.appendingPathComponent("abs-01-shape_5")
        try FileManager.default.copyItem(at: source, to: target)
        let file = target.appendingPathComponent("output_output.npy").path
        var output = try NumPyFile.read(path: file)
        output.scalars[0] = value
        try NumPyFile.write(output, to: file)
        return dir
    }

    @Test func aSubnormalGoldenValueIsReportedNotTrappedOn() throws {
        let dir = try caseWithOutput(5e-324)
        let result = try Refvis.run(["golden", "check", "--golden", dir.path(""), "--only", "abs-01"])
        #expect(result.status == 1, "a failure, not a crash: \(result.stderr)")
        #expect(result.stdout.contains("abs-01-shape_5"))
    }

    @Test func anInfiniteGoldenValueFails() throws {
        let dir = try caseWithOutput(.infinity)
        let result = try Refvis.run(["golden", "check", "--golden", dir.path(""), "--only", "abs-01"])
        #expect(result.status == 1)
        #expect(result.stdout.contains("expected exactly inf"), "\(result.stdout)")
    }
}
