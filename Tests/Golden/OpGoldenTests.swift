import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceTestSupport

/// The committed op golden cases (`Fixtures/golden/ops`): one test per case
/// recomputes it from its committed inputs and cotangents, so any change in a
/// kernel's result fails here; and the checker itself is shown to catch
/// nudged values, broken files and missing cases without crashing.
@Suite("Op golden cases")
struct OpGoldenTests {
    static let repository = GoldenFolder.repository

    @Test("committed op case matches", arguments: OpGoldenTests.repository.caseNames(.op))
    func committedCaseMatches(_ name: String) {
        let report = GoldenKit.checkCase(.op, name, in: OpGoldenTests.repository)
        #expect(report.passed, "\(name): \(OpGoldenTests.describe(report))")
    }

    @Test func everyRegisteredOpHasACase() throws {
        let names = OpGoldenTests.repository.caseNames(.op)
        var covered = Set<String>()
        for name in names {
            if let op = try? OpGoldenTests.repository.readCase(.op, name).op { covered.insert(op) }
        }
        let missing = OpRegistry.names.filter { !covered.contains($0) }
        #expect(missing.isEmpty, "ops without a golden case: \(missing.joined(separator: ", ")) (run 'refvis golden update')")
        // And the checker itself says so for an empty folder.
        let empty = try TemporaryGolden()
        let reports = GoldenKit.check(folder: empty.folder).filter { $0.kind == .op }
        #expect(reports.count == OpRegistry.all.count)
        #expect(reports.allSatisfy { !$0.passed && ($0.problem ?? "").contains("has no golden case") })
    }

    @Test func committedCasesAreExactlyTheGeneratedOnes() {
        let planned = OpRegistry.all.flatMap { OpGoldenCases.plan($0).map(\.name) }
        #expect(Set(planned).count == planned.count, "case names must be unique")
        #expect(OpGoldenTests.repository.caseNames(.op) == planned.sorted(),
                "Fixtures/golden/ops differs from what 'refvis golden update' makes")
    }

    // MARK: the checker catches problems

    @Test func nudgedOutputFailsAndNamesTheArray() throws {
        let golden = try TemporaryGolden(only: "conv2d-00-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        let file = golden.folder.folder(of: .op, name).appendingPathComponent("output_output.npy").path
        var output = try NumPyFile.read(path: file)
        output.scalars[3] += 1e-6
        try NumPyFile.write(output, to: file)

        let report = GoldenKit.checkCase(.op, name, in: golden.folder)
        #expect(!report.passed)
        #expect(report.problem == nil)
        let failure = try #require(report.firstFailure)
        #expect(failure.name == "output_output")
        #expect(failure.worstIndex == 3)
        #expect(abs(failure.maxAbsError - 1e-6) < 1e-9)
        // The gradients were computed from the committed cotangents, not the output: they still pass.
        #expect(report.comparisons.filter { !$0.passed }.map(\.name) == ["output_output"])
    }

    @Test func truncatedInputIsAFailureWithTheReason() throws {
        let golden = try TemporaryGolden(only: "conv2d-00-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        let url = golden.folder.folder(of: .op, name).appendingPathComponent("input_weight.npy")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)

        let report = GoldenKit.checkCase(.op, name, in: golden.folder)
        #expect(!report.passed)
        let problem = try #require(report.problem)
        #expect(problem.contains("input_weight.npy"), "\(problem)")
    }

    @Test func truncatedExpectedGradientIsAFailureOfThatArray() throws {
        let golden = try TemporaryGolden(only: "conv2d-00-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        let url = golden.folder.folder(of: .op, name).appendingPathComponent("gradient_bias.npy")
        let data = try Data(contentsOf: url)
        try data.prefix(data.count - 3).write(to: url)

        let report = GoldenKit.checkCase(.op, name, in: golden.folder)
        #expect(!report.passed)
        let failure = try #require(report.firstFailure)
        #expect(failure.name == "gradient_bias")
        #expect((failure.problem ?? "").contains("gradient_bias.npy"))
    }

    @Test func malformedCaseJSONIsAFailure() throws {
        let golden = try TemporaryGolden(only: "softmax-00-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        let url = golden.folder.folder(of: .op, name).appendingPathComponent("case.json")
        try Data("{ \"format\": \"refvis-golden/1\", \"kind\": ".utf8).write(to: url)

        let report = GoldenKit.checkCase(.op, name, in: golden.folder)
        #expect(!report.passed)
        #expect((report.problem ?? "").contains("not a valid golden case"), "\(report.problem ?? "")")
    }

    @Test func missingFilesAreFailures() throws {
        let golden = try TemporaryGolden(only: "conv2d-00-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        let folder = golden.folder.folder(of: .op, name)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("gradient_weight.npy"))
        let report = GoldenKit.checkCase(.op, name, in: golden.folder)
        #expect(report.comparisons.first { $0.name == "gradient_weight" }?.problem?.contains("missing") == true)
        #expect(report.comparisons.filter { !$0.passed }.count == 1)

        try FileManager.default.removeItem(at: folder.appendingPathComponent("cotangent_output.npy"))
        let second = GoldenKit.checkCase(.op, name, in: golden.folder)
        #expect((second.problem ?? "").contains("cotangent_output.npy"))
        #expect((second.problem ?? "").contains("missing"))
    }

    @Test func wrongShapeFileIsAFailure() throws {
        let golden = try TemporaryGolden(only: "conv2d-00-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        let file = golden.folder.folder(of: .op, name).appendingPathComponent("output_output.npy").path
        try NumPyFile.write(Tensor.zeros([2, 2]), to: file)

        let report = GoldenKit.checkCase(.op, name, in: golden.folder)
        let failure = try #require(report.firstFailure)
        #expect(failure.name == "output_output")
        #expect((failure.problem ?? "").contains("(2, 2)"), "\(failure.problem ?? "")")
    }

    @Test func unknownOpAndMisnamedCaseAreFailures() throws {
        let golden = try TemporaryGolden(only: "softmax-00-*")
        let name = try #require(golden.folder.caseNames(.op).first)
        var description = try golden.folder.readCase(.op, name)
        description.op = "no_such_op"
        let url = golden.folder.folder(of: .op, name).appendingPathComponent("case.json")
        try GoldenCaseWriter.encode(description).write(to: url)
        #expect((GoldenKit.checkCase(.op, name, in: golden.folder).problem ?? "").contains("unknown op 'no_such_op'"))

        description.op = "softmax"
        description.name = "somewhere-else"
        try GoldenCaseWriter.encode(description).write(to: url)
        #expect((GoldenKit.checkCase(.op, name, in: golden.folder).problem ?? "").contains("somewhere-else"))
    }

    @Test func aBrokenCaseDoesNotStopTheRun() throws {
        let cases = try TemporaryGolden(only: "softmax-*")
        let all = cases.folder.caseNames(.op)
        #expect(all.count >= 3)
        #expect(all.allSatisfy { $0.hasPrefix("softmax-") })
        let broken = cases.folder.folder(of: .op, all[1]).appendingPathComponent("case.json")
        try Data("not json".utf8).write(to: broken)

        let reports = GoldenKit.check(folder: cases.folder, only: "softmax-*")
        #expect(reports.map(\.name) == all)
        #expect(reports.filter { !$0.passed }.map(\.name) == [all[1]])
    }

    // MARK: update

    @Test func updateIsIdempotentAndReportsChanges() throws {
        let golden = try TemporaryGolden()
        let first = GoldenKit.update(folder: golden.folder, only: "log_softmax")
        #expect(first.count >= 3)
        #expect(first.allSatisfy { $0.isNew })

        let second = GoldenKit.update(folder: golden.folder, only: "log_softmax")
        #expect(second.map(\.name) == first.map(\.name))
        #expect(second.allSatisfy { $0.isUnchanged })

        // A nudged output is rewritten and reported with its difference.
        let name = first[0].name
        let folder = golden.folder.folder(of: .op, name)
        let file = folder.appendingPathComponent("output_output.npy").path
        var output = try NumPyFile.read(path: file)
        output.scalars[0] += 1e-6
        try NumPyFile.write(output, to: file)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("gradient_input.npy"))
        try Data().write(to: folder.appendingPathComponent("stray.txt"))

        let third = GoldenKit.update(folder: golden.folder, only: name)
        #expect(third.count == 1)
        let changes = Dictionary(uniqueKeysWithValues: third[0].changedFiles.map { ($0.file, $0) })
        #expect(changes.count == 3)
        #expect(changes["output_output.npy"]?.kind == .changed)
        #expect(abs((changes["output_output.npy"]?.maxAbsDifference ?? 0) - 1e-6) < 1e-9)
        #expect(changes["gradient_input.npy"]?.kind == .added)
        #expect(changes["stray.txt"]?.kind == .removed)
        #expect(GoldenKit.checkCase(.op, name, in: golden.folder).passed)
        #expect(GoldenKit.update(folder: golden.folder, only: name).allSatisfy { $0.isUnchanged })
    }

    @Test func updateWithoutPatternRemovesStaleCases() throws {
        let golden = try TemporaryGolden()
        let stale = golden.folder.folder(of: .op, "retired_op-00-old")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: stale.appendingPathComponent("case.json"))

        let updates = GoldenKit.update(folder: golden.folder)
        let ops = updates.filter { $0.kind == .op }
        #expect(ops.allSatisfy { $0.problem == nil }, "\(ops.compactMap(\.problem))")
        let removed = updates.filter(\.removedCase)
        #expect(removed.map(\.name) == ["retired_op-00-old"])
        #expect(removed.first?.changes.map(\.file) == ["case.json"])
        #expect(!FileManager.default.fileExists(atPath: stale.path))

        let checked = GoldenKit.check(folder: golden.folder).filter { $0.kind == .op }
        #expect(checked.count == ops.count - 1)
        #expect(checked.allSatisfy { $0.passed },
                "\(checked.filter { !$0.passed }.map { "\($0.name): \(OpGoldenTests.describe($0))" })")
    }

    // MARK: naming, seeds, patterns, tolerances

    @Test func caseNamesAreSlugsOfTheLabels() {
        #expect(OpGoldenCases.caseName(op: "conv2d", index: 4, label: "dilation (2,1), padding 2, stride 2")
                == "conv2d-04-dilation_2_1_padding_2_stride_2")
        #expect(OpGoldenCases.caseName(op: "pad", index: 12, label: "  Reflect: pad=[-1, 3]!") == "pad-12-reflect_pad_m1_3")
        #expect(OpGoldenCases.slug("non-square, alpha=-0.75 x-1 (-.5)") == "non_square_alpha_m0_75_x_1_m_5")
        #expect(OpGoldenCases.caseName(op: "neg", index: 0, label: "—") == "neg-00")
        let long = OpGoldenCases.slug(String(repeating: "ab ", count: 40))
        #expect(long.count <= OpGoldenCases.maxSlugLength)
        #expect(!long.hasSuffix("_"))
    }

    @Test func variadicInputsAreNumbered() throws {
        let cat = try OpRegistry.op(named: "cat")
        #expect(OpGoldenCases.inputNames(cat, count: 3) == ["tensors-0", "tensors-1", "tensors-2"])
        let conv = try OpRegistry.op(named: "conv2d")
        #expect(OpGoldenCases.inputNames(conv, count: 2) == ["input", "weight"])
    }

    @Test func seedsAreFNV1a() {
        // Published FNV-1a 64-bit test vectors.
        #expect(fnv1a("") == 0xcbf29ce484222325)
        #expect(fnv1a("a") == 0xaf63dc4c8601ec8c)
        #expect(fnv1a("foobar") == 0x85944171f73967e8)
    }

    @Test func patternsAreSubstringsOrGlobs() {
        let substring = GoldenCasePattern("conv2d")
        #expect(substring.matches(.op, "conv2d-03-dilation_2"))
        #expect(!substring.matches(.op, "pad-00-constant"))
        let glob = GoldenCasePattern("grid_sample-0?-*")
        #expect(glob.matches(.op, "grid_sample-07-nearest"))
        #expect(!glob.matches(.op, "grid_sample-12-bilinear"))
        #expect(!glob.matches(.op, "xgrid_sample-07-nearest"))
        let kind = GoldenCasePattern("pipelines/*")
        #expect(kind.matches(.pipeline, "render-8-adam"))
        #expect(!kind.matches(.op, "render-8-adam"))
        #expect(GoldenCasePattern("*").matches(""))
        #expect(GoldenCasePattern("a*b*c").matches("aXbYbZc"))
        #expect(!GoldenCasePattern("a*b*c").matches("aXbYbZ"))
    }

    @Test func tolerancesAreRoundedUpToTwoDigits() {
        #expect(GoldenTolerancePolicy.roundUp(3.14159e-5) == 3.2e-5)
        #expect(GoldenTolerancePolicy.roundUp(1e-11) == 1e-11)
        #expect(GoldenTolerancePolicy.roundUp(0.000111) == 0.00012)
        #expect(GoldenTolerancePolicy.roundUp(0) == 0)
    }

    @Test func committedTolerancesFollowThePolicy() throws {
        for name in OpGoldenTests.repository.caseNames(.op) {
            let golden = try OpGoldenTests.repository.readCase(.op, name)
            let t = golden.tolerances
            #expect(t.float64.rtol == 1e-10)
            #expect(t.float32.rtol == 1e-4)
            #expect(t.float32.atol >= 1e-5 && t.float64.atol >= 1e-12)
            #expect(t.float32.atol >= 1e6 * t.float64.atol, "\(name)")
            #expect(t.reasoning.contains("float32: the inputs and cotangents rounded to float32"), "\(name)")
        }
    }

    static func describe(_ report: GoldenCaseReport) -> String {
        if let problem = report.problem { return problem }
        return report.comparisons.filter { !$0.passed }.map { c in
            "\(c.name): max abs \(c.maxAbsError), max rel \(c.maxRelError), worst ratio \(c.worstRatio)"
                + (c.worstIndex.map { " at \($0)" } ?? "") + (c.problem.map { " (\($0))" } ?? "")
        }.joined(separator: "; ")
    }
}

/// A golden folder in a fresh temporary directory, removed when released;
/// optionally filled by `GoldenKit.update` with the cases matching `only`.
final class TemporaryGolden {
    private let directory: TemporaryDirectory
    var root: URL { directory.url }
    var folder: GoldenFolder { GoldenFolder(root: root) }

    init(only: String? = nil) throws {
        directory = try TemporaryDirectory(prefix: "refvis-op-golden")
        if let only {
            let updates = GoldenKit.update(folder: GoldenFolder(root: root), only: only)
            guard !updates.isEmpty, updates.allSatisfy({ $0.problem == nil }) else {
                throw RefvisError("could not make the temporary cases '\(only)': \(updates.compactMap(\.problem))")
            }
        }
    }
}
