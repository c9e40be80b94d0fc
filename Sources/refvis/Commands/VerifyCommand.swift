import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis verify`: scores another backend's outputs against the golden cases.
enum VerifyCommand: Command {
    static let spec = CommandSpec(
        name: "verify", summary: "Score another backend's results against the golden cases",
        synopsis: "--actual DIR [--golden DIR] [--dtype float64|float32] [--only PATTERN] [--all-rows]",
        details: """
        Another backend reads each golden case (Docs/golden-format.md), runs its own code on the
        case's inputs and writes every checked array — steps, outputs and gradients — as .npy
        (float32 or float64) under --actual with the golden file's relative path:
        DIR/ops/<case>/<file>.npy, DIR/pipelines/<case>/<file>.npy. verify compares each with the
        golden array under the case's tolerance for --dtype: an element passes when
        |actual − golden| ≤ atol + rtol·|golden|.

        The table has one line per passing case (its largest errors over all its arrays) and one
        line per array of a failing case, so the errors can be followed step by step; --all-rows
        prints every array of every case. Columns: max abs err, max rel err (over elements with a
        non-zero golden value), worst ratio (error / allowed; ≤ 1 passes) and the result with its
        reason. For a failing pipeline case it names the first disagreeing step. A missing,
        truncated, malformed or mis-shaped file, or a malformed case.json, fails its array or case
        with the file and the reason; the other cases are still verified.
        Exits 0 when everything passes, 1 on any failure, 2 on a usage error.
        See Docs/verify-a-backend.md for a walk-through.
        """,
        options: [
            OptionSpec("actual", value: "DIR", help: "the backend's results, laid out like the golden folder (required)"),
            OptionSpec("golden", value: "DIR", help: "the golden folder (default: Fixtures/golden of this checkout)"),
            OptionSpec("dtype", value: "float64|float32", help: "the backend's precision, which picks the tolerances (default float64)"),
            OptionSpec("only", value: "PATTERN", help: "only the cases whose name matches (substring, or glob with * ?)"),
            OptionSpec("all-rows", help: "one row per array for passing cases too"),
        ],
        positionals: 0...0)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        guard let actualPath = arguments.value("actual") else {
            throw RefvisError.usage("verify: --actual DIR is required (the folder the backend wrote its results to)")
        }
        guard isDirectory(actualPath) else {
            throw RefvisError.usage("verify: --actual \(actualPath): no such folder")
        }
        if arguments.value("golden") == "" { throw RefvisError.usage("--golden: the folder name is empty") }
        let golden = arguments.value("golden").map { GoldenFolder(path: $0) } ?? GoldenFolder.repository
        guard isDirectory(golden.root.path) else {
            throw RefvisError.usage("verify: --golden \(golden.root.path): no such folder")
        }
        let dtypeName = arguments.value("dtype") ?? "float64"
        guard let dtype = GoldenDType(rawValue: dtypeName) else {
            throw RefvisError.usage("verify: --dtype: expected float64 or float32, got '\(dtypeName)'")
        }
        let only = arguments.value("only")
        let reports = Verification.verify(golden: golden, actual: URL(fileURLWithPath: actualPath), dtype: dtype, only: only)
        guard !reports.isEmpty else {
            throw RefvisError.usage("verify: no case under \(golden.root.path)\(only.map { " matches '\($0)'" } ?? "")")
        }
        print(VerifyReport.text(reports, dtype: dtype, allRows: arguments.flag("all-rows"), golden: golden))
        return reports.allSatisfy(\.passed) ? 0 : 1
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// The text `refvis verify` prints for its reports.
enum VerifyReport {
    static let header = ["case", "array", "max abs err", "max rel err", "worst ratio", "result"]

    static func text(_ reports: [GoldenCaseReport], dtype: GoldenDType, allRows: Bool, golden: GoldenFolder) -> String {
        var rows = [[String]]()
        var notes = [String]()
        for report in reports {
            let label = "\(report.kind.folder)/\(report.name)"
            if let problem = report.problem {
                rows.append([label, "-", "-", "-", "-", "FAIL: \(problem)"])
                continue
            }
            if report.passed && !allRows {
                rows.append(summaryRow(label, report.comparisons))
                continue
            }
            for comparison in report.comparisons { rows.append(row(label, comparison)) }
            if let first = report.firstFailure { notes.append(firstDisagreement(label, report, first, golden: golden)) }
        }
        var lines = [formatTable(header, rows)]
        if !notes.isEmpty { lines += [""] + notes }
        let summary = VerificationSummary(reports)
        lines += ["", "verify \(dtype.rawValue): \(summary.cases) case\(summary.cases == 1 ? "" : "s"): "
                  + "\(summary.cases - summary.failedCases) passed, \(summary.failedCases) failed "
                  + "(\(summary.failedArrays) of \(summary.arrays) arrays failed)"]
        return lines.joined(separator: "\n")
    }

    /// One line for a case whose arrays all pass: the largest errors over them.
    static func summaryRow(_ label: String, _ comparisons: [ArrayComparison]) -> [String] {
        let abs = comparisons.map(\.maxAbsError).max() ?? 0
        let rel = comparisons.map(\.maxRelError).max() ?? 0
        let ratio = comparisons.map(\.worstRatio).max() ?? 0
        let arrays = "\(comparisons.count) array\(comparisons.count == 1 ? "" : "s")"
        return [label, arrays, number(abs), number(rel), number(ratio), "pass"]
    }

    static func row(_ label: String, _ comparison: ArrayComparison) -> [String] {
        if let problem = comparison.problem, comparison.maxAbsError.isNaN {
            return [label, comparison.name, "-", "-", "-", "FAIL: \(problem)"]
        }
        var result = comparison.passed ? "pass" : "FAIL"
        if let problem = comparison.problem {
            result += ": \(problem)"
        } else if !comparison.passed, let index = comparison.worstIndex {
            result += ": worst at flat index \(index)"
        }
        return [label, comparison.name, number(comparison.maxAbsError), number(comparison.maxRelError),
                number(comparison.worstRatio), result]
    }

    /// Where a failing case first goes wrong, in its order (steps, outputs, gradients).
    static func firstDisagreement(_ label: String, _ report: GoldenCaseReport, _ first: ArrayComparison,
                                  golden: GoldenFolder) -> String {
        guard report.kind == .pipeline else { return "\(label): first disagreeing array: \(first.name)" }
        let steps = (try? golden.readCase(report.kind, report.name))?.steps.map(\.name) ?? []
        if steps.contains(first.name) { return "\(label): first disagreeing step: \(first.name)" }
        return "\(label): every step agrees; first disagreeing array: \(first.name)"
    }

    static func number(_ value: Double) -> String {
        if value.isNaN { return "-" }
        if value.isInfinite { return "inf" }
        if value == 0 { return "0" }
        return String(format: "%.1e", value)
    }
}
