import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis golden check|update`: recompute the golden conformance cases and
/// compare them with the committed files, or regenerate them.
enum GoldenCommand: Command {
    static let spec = CommandSpec(
        name: "golden", summary: "Check the golden conformance cases against this refvis, or regenerate them",
        synopsis: "check|update [--golden DIR] [--only PATTERN]",
        details: """
        check   recomputes every case from its committed inputs (op cases: the op's forward and VJP
                on the committed inputs and cotangents; pipeline cases: the whole pipeline) and
                compares outputs, steps and gradients with the committed arrays under the case's
                float64 tolerance. Prints a table of the cases that differ (case, array, max abs
                and rel error, worst ratio error/allowed, reason) and a summary; a malformed
                case.json or a missing, truncated or mis-shaped .npy is a failure with its reason.
                Without --only it also fails for every registered op or pipeline without a case.
                Exits 1 on any failure.
        update  regenerates the cases and rewrites those whose files change (each case atomically),
                printing per changed case which files were added, changed (with the largest absolute
                difference) or removed. Without --only, case folders nothing generates any more
                are removed.

        PATTERN selects cases by name: a plain string selects names containing it ('conv2d');
        with * or ? it is a shell-style glob over the whole name ('grid_sample-0?-*',
        'pipelines/*'). The default folder is the repository's Fixtures/golden.
        """,
        options: [
            OptionSpec("golden", value: "DIR", help: "the golden folder (default: Fixtures/golden of this checkout)"),
            OptionSpec("only", value: "PATTERN", help: "only the cases whose name matches (substring, or glob with * ?)"),
        ],
        positionals: 1...1)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        if arguments.value("golden") == "" { throw RefvisError.usage("--golden: the folder name is empty") }
        let folder = arguments.value("golden").map { GoldenFolder(path: $0) } ?? GoldenFolder.repository
        let only = arguments.value("only")
        switch arguments.positionals[0] {
        case "check": return check(folder, only: only)
        case "update": return update(folder, only: only)
        case let other:
            throw RefvisError.usage("golden: unknown action '\(other)' (check or update)")
        }
    }

    static func check(_ folder: GoldenFolder, only: String?) -> Int32 {
        guard FileManager.default.fileExists(atPath: folder.root.path) else {
            printError("golden: \(folder.root.path): no such folder")
            return 1
        }
        let reports = GoldenKit.check(folder: folder, only: only)
        var rows = [[String]]()
        for report in reports where !report.passed {
            let label = "\(report.kind.folder)/\(report.name)"
            if let problem = report.problem {
                rows.append([label, "-", "-", "-", "-", problem])
                continue
            }
            for comparison in report.comparisons where !comparison.passed {
                rows.append([label, comparison.name, sci(comparison.maxAbsError), sci(comparison.maxRelError),
                             ratio(comparison.worstRatio), comparison.problem ?? worstElement(comparison)])
            }
        }
        if !rows.isEmpty {
            print(formatTable(["case", "array", "max abs err", "max rel err", "worst ratio", "reason"], rows))
            print("")
        }
        let failed = reports.filter { !$0.passed }.count
        if reports.isEmpty {
            // Only reachable with --only: without it every registered op is reported.
            printError("golden: no case matches '\(only ?? "")' under \(folder.root.path)")
            return 1
        }
        print("\(reports.count) cases: \(reports.count - failed) passed, \(failed) failed")
        return failed == 0 ? 0 : 1
    }

    static func update(_ folder: GoldenFolder, only: String?) -> Int32 {
        let updates = GoldenKit.update(folder: folder, only: only)
        if updates.isEmpty, let only {
            printError("golden: no generated case matches '\(only)'")
            return 1
        }
        var unchanged = 0, added = 0, changed = 0, removed = 0, failed = 0
        for update in updates {
            let label = "\(update.kind.folder)/\(update.name)"
            if let problem = update.problem {
                failed += 1
                print("\(label): FAILED: \(problem)")
                continue
            }
            if update.isUnchanged {
                unchanged += 1
                continue
            }
            if update.removedCase {
                removed += 1
                print("\(label): removed (\(update.changes.count) files)")
                continue
            }
            if update.isNew {
                added += 1
                print("\(label): new (\(update.changes.count) files)")
                continue
            }
            changed += 1
            print("\(label):")
            for change in update.changedFiles {
                var line = "  \(change.kind.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) \(change.file)"
                if let difference = change.maxAbsDifference { line += "  max abs difference \(sci(difference))" }
                if let note = change.note { line += "  \(note)" }
                print(line)
            }
        }
        if !updates.isEmpty && updates.count != unchanged { print("") }
        print("\(updates.count) cases: \(added) new, \(changed) changed, \(removed) removed, \(unchanged) unchanged, \(failed) failed")
        return failed == 0 ? 0 : 1
    }

    private static func ratio(_ value: Double) -> String {
        value.isInfinite ? "inf" : sci(value)
    }

    private static func worstElement(_ comparison: ArrayComparison) -> String {
        comparison.worstIndex.map { "worst at flat index \($0)" } ?? ""
    }
}
