import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// `refvis golden check` and `refvis golden update` as a library.
///
/// - `check` recomputes every case of a golden folder from its committed
///   inputs (op cases: the op's forward and VJP on the committed inputs and
///   cotangents; pipeline cases: the pipeline's `recompute`) and compares the
///   result with the committed arrays under the case's float64 tolerance.
///   Every problem becomes a failed report naming the file and the reason;
///   the run always goes on to the next case. Without a pattern it also fails
///   for every registered op and pipeline that has no case in the folder.
/// - `update` regenerates the cases (`OpGoldenCases`, `GoldenPipelines.all`)
///   and writes them with `GoldenCaseWriter`; without a pattern it removes the
///   case folders that are no longer generated.
public enum GoldenKit {
    // MARK: check

    /// Checks the cases of `folder` whose name matches `only` (every case if nil).
    public static func check(folder: GoldenFolder, only: String? = nil) -> [GoldenCaseReport] {
        let pattern = only.map(GoldenCasePattern.init)
        var reports = [GoldenCaseReport]()
        var coveredOps = Set<String>()
        for kind in GoldenCaseKind.allCases {
            for name in folder.caseNames(kind) where pattern?.matches(kind, name) ?? true {
                let (report, golden) = checkCase(kind, name, in: folder)
                reports.append(report)
                if let op = golden?.op, golden?.kind == .op { coveredOps.insert(op) }
            }
        }
        if pattern == nil {
            reports += coverageFailures(folder: folder, coveredOps: coveredOps)
        }
        return reports
    }

    /// Checks one case.
    public static func checkCase(_ kind: GoldenCaseKind, _ name: String, in folder: GoldenFolder) -> GoldenCaseReport {
        checkCase(kind, name, in: folder).report
    }

    private static func checkCase(_ kind: GoldenCaseKind, _ name: String,
                                  in folder: GoldenFolder) -> (report: GoldenCaseReport, golden: GoldenCase?) {
        let caseFolder = folder.folder(of: kind, name)
        func failed(_ problem: String) -> GoldenCaseReport {
            GoldenCaseReport(kind: kind, name: name, problem: problem)
        }
        let golden: GoldenCase
        do {
            golden = try GoldenFolder.readCase(at: caseFolder)
        } catch {
            return (failed(oneLineMessage(error)), nil)
        }
        guard golden.kind == kind else {
            return (failed("case.json says kind '\(golden.kind.rawValue)', the case is under \(kind.folder)/"), golden)
        }
        guard golden.name == name else {
            return (failed("case.json names the case '\(golden.name)', its folder is '\(name)'"), golden)
        }
        let recomputed: [String: Tensor]
        do {
            switch kind {
            case .op:
                recomputed = try OpGoldenCases.recompute(golden, in: caseFolder)
            case .pipeline:
                guard let pipeline = GoldenPipelines.all.first(where: { $0.name == name }) else {
                    return (failed("no pipeline named '\(name)' in this refvis"), golden)
                }
                recomputed = try pipeline.recompute(golden, in: caseFolder)
            }
        } catch {
            return (failed(oneLineMessage(error)), golden)
        }
        let comparisons = golden.checkedArrays.map { array -> ArrayComparison in
            let expected: Tensor
            do {
                expected = try GoldenFolder.readArray(array, in: caseFolder)
            } catch {
                return .failure(array.name, oneLineMessage(error))
            }
            guard let actual = recomputed[array.name] else {
                return .failure(array.name, "not recomputed (the \(kind.rawValue) makes no array of this name)")
            }
            return .compare(array.name, actual: actual, expected: expected,
                            tolerance: golden.tolerance(for: array, dtype: .float64))
        }
        return (GoldenCaseReport(kind: kind, name: name, comparisons: comparisons), golden)
    }

    /// A failed report for every registered op without an op case and every
    /// pipeline without its case.
    public static func coverageFailures(folder: GoldenFolder, coveredOps: Set<String>) -> [GoldenCaseReport] {
        var reports = [GoldenCaseReport]()
        for op in OpRegistry.all where !coveredOps.contains(op.name) {
            reports.append(GoldenCaseReport(kind: .op, name: op.name,
                                            problem: "registered op '\(op.name)' has no golden case under \(folder.root.path)/ops (run 'refvis golden update')"))
        }
        let pipelineCases = Set(folder.caseNames(.pipeline))
        for pipeline in GoldenPipelines.all where !pipelineCases.contains(pipeline.name) {
            reports.append(GoldenCaseReport(kind: .pipeline, name: pipeline.name,
                                            problem: "pipeline '\(pipeline.name)' has no golden case under \(folder.root.path)/pipelines (run 'refvis golden update')"))
        }
        return reports
    }

    // MARK: update

    /// Regenerates the cases whose name matches `only` (every case if nil)
    /// into `folder`; without a pattern, removes case folders that are no
    /// longer generated. Returns one entry per case, in order.
    public static func update(folder: GoldenFolder, only: String? = nil) -> [GoldenCaseUpdate] {
        let pattern = only.map(GoldenCasePattern.init)
        var updates = [GoldenCaseUpdate]()
        var generated: [GoldenCaseKind: Set<String>] = [.op: [], .pipeline: []]

        for op in OpRegistry.all {
            for planned in OpGoldenCases.plan(op) {
                generated[.op]!.insert(planned.name)
                guard pattern?.matches(.op, planned.name) ?? true else { continue }
                updates.append(write(.op, planned.name, in: folder) { try OpGoldenCases.generate(op, planned) })
            }
        }
        for pipeline in GoldenPipelines.all {
            generated[.pipeline]!.insert(pipeline.name)
            guard pattern?.matches(.pipeline, pipeline.name) ?? true else { continue }
            updates.append(write(.pipeline, pipeline.name, in: folder) { try pipeline.generate() })
        }

        if pattern == nil {
            for kind in GoldenCaseKind.allCases {
                for name in folder.caseNames(kind) where !generated[kind]!.contains(name) {
                    updates.append(remove(kind, name, in: folder))
                }
            }
        }
        return updates
    }

    private static func write(_ kind: GoldenCaseKind, _ name: String, in folder: GoldenFolder,
                              _ make: () throws -> GeneratedGoldenCase) -> GoldenCaseUpdate {
        do {
            let made = try make()
            guard made.golden.name == name, made.golden.kind == kind else {
                throw RefvisError("generated case '\(made.golden.name)' (\(made.golden.kind.rawValue)) for '\(name)' (\(kind.rawValue))")
            }
            let changes = try GoldenCaseWriter.write(made.golden, arrays: made.arrays, extraFiles: made.extraFiles,
                                                     to: folder.folder(of: kind, name))
            return GoldenCaseUpdate(kind: kind, name: name, changes: changes)
        } catch {
            return GoldenCaseUpdate(kind: kind, name: name, problem: oneLineMessage(error))
        }
    }

    private static func remove(_ kind: GoldenCaseKind, _ name: String, in folder: GoldenFolder) -> GoldenCaseUpdate {
        let caseFolder = folder.folder(of: kind, name)
        let files = ((try? FileManager.default.subpathsOfDirectory(atPath: caseFolder.path)) ?? []).filter { file in
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: caseFolder.appendingPathComponent(file).path,
                                                        isDirectory: &isDirectory)
            return exists && !isDirectory.boolValue
        }.sorted()
        do {
            try FileManager.default.removeItem(at: caseFolder)
        } catch {
            return GoldenCaseUpdate(kind: kind, name: name, problem: "\(caseFolder.path): cannot remove: \(error.localizedDescription)")
        }
        return GoldenCaseUpdate(kind: kind, name: name,
                                changes: files.map { GoldenFileChange(file: $0, kind: .removed) }, removedCase: true)
    }

}

/// What `GoldenKit.update` did to one case.
public struct GoldenCaseUpdate: Sendable {
    public var kind: GoldenCaseKind
    public var name: String
    /// File by file, unchanged ones included.
    public var changes: [GoldenFileChange]
    /// The case folder was removed because nothing generates it any more.
    public var removedCase: Bool
    /// The case could not be generated or written.
    public var problem: String?

    public init(kind: GoldenCaseKind, name: String, changes: [GoldenFileChange] = [], removedCase: Bool = false,
                problem: String? = nil) {
        self.kind = kind
        self.name = name
        self.changes = changes
        self.removedCase = removedCase
        self.problem = problem
    }

    /// The files that were added, changed or removed.
    public var changedFiles: [GoldenFileChange] { changes.filter { $0.kind != .unchanged } }

    public var isUnchanged: Bool { problem == nil && !removedCase && changedFiles.isEmpty }

    /// True when the case did not exist before (every file added).
    public var isNew: Bool { problem == nil && !changes.isEmpty && changes.allSatisfy { $0.kind == .added } }
}
