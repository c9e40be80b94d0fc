import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// `refvis verify` as a library: judges another backend's results against a
/// golden folder.
///
/// The backend reads each case's inputs, runs its own code, and writes every
/// checked array (steps, outputs, gradients) as a `.npy` file under an
/// *actual* folder with the same relative path the golden file has:
/// `<actual>/ops/<case>/<file>` and `<actual>/pipelines/<case>/<file>`.
/// Float32 and float64 files (any dtype `NumPyFile` reads) are accepted.
///
/// Every problem — a malformed `case.json` in the golden folder, a missing,
/// truncated or malformed actual file, a wrong shape, a non-finite value — is
/// a failed comparison or case naming the file and the reason; verification
/// always goes on to the next array and the next case.
public enum Verification {
    /// One report per case of `golden` (ops first, then pipelines, each sorted
    /// by name) whose name matches `only` (every case when nil), with one
    /// comparison per checked array in the case's order, under the case's
    /// tolerances for `dtype`.
    public static func verify(golden: GoldenFolder, actual: URL, dtype: GoldenDType,
                              only: String? = nil) -> [GoldenCaseReport] {
        let pattern = only.map(GoldenCasePattern.init)
        var reports = [GoldenCaseReport]()
        for kind in GoldenCaseKind.allCases {
            for name in golden.caseNames(kind) where pattern?.matches(kind, name) ?? true {
                reports.append(verifyCase(kind, name, golden: golden, actual: actual, dtype: dtype))
            }
        }
        return reports
    }

    /// Verifies one case.
    public static func verifyCase(_ kind: GoldenCaseKind, _ name: String, golden: GoldenFolder, actual: URL,
                                  dtype: GoldenDType) -> GoldenCaseReport {
        let goldenFolder = golden.folder(of: kind, name)
        let actualFolder = actual.appendingPathComponent(kind.folder).appendingPathComponent(name)
        let description: GoldenCase
        do {
            description = try GoldenFolder.readCase(at: goldenFolder)
        } catch {
            return GoldenCaseReport(kind: kind, name: name, problem: oneLineMessage(error))
        }
        let comparisons = description.checkedArrays.map { array -> ArrayComparison in
            let expected: Tensor
            do {
                expected = try GoldenFolder.readArray(array, in: goldenFolder)
            } catch {
                return .failure(array.name, "golden " + oneLineMessage(error))
            }
            let path = actualFolder.appendingPathComponent(array.file).path
            guard FileManager.default.fileExists(atPath: path) else {
                return .failure(array.name, "\(path): missing")
            }
            let found: Tensor
            do {
                found = try NumPyFile.read(path: path)
            } catch {
                return .failure(array.name, oneLineMessage(error))
            }
            guard found.shape == expected.shape else {
                return .failure(array.name, "\(path): shape \(formatShape(found.shape)), expected \(formatShape(expected.shape))")
            }
            var comparison = ArrayComparison.compare(array.name, actual: found, expected: expected,
                                                     tolerance: description.tolerance(for: array, dtype: dtype))
            if let problem = comparison.problem { comparison.problem = "\(path): \(problem)" }
            return comparison
        }
        return GoldenCaseReport(kind: kind, name: name, comparisons: comparisons)
    }

}

/// A summary of a verification: how many cases and arrays passed.
public struct VerificationSummary: Sendable, Equatable {
    public var cases = 0
    public var failedCases = 0
    public var arrays = 0
    public var failedArrays = 0

    public init(_ reports: [GoldenCaseReport]) {
        for report in reports {
            cases += 1
            if !report.passed { failedCases += 1 }
            arrays += report.comparisons.count
            failedArrays += report.comparisons.filter { !$0.passed }.count
        }
    }

    public var passed: Bool { failedCases == 0 }
}
