import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis gradcheck [OP …]`: proves every registered op's VJPs and prints a table.
enum GradcheckCommand: Command {
    static let spec = CommandSpec(
        name: "gradcheck", summary: "Check every op's derivatives by finite differences and dot-product tests",
        synopsis: "[OP …] [--all-rows]",
        details: """
        For each op and each of its sample configurations: (a) the full Jacobian by central
        differences (h = 1e-6) against the Jacobian built from VJPs, passing when
        |analytic − numeric| ≤ 1e-6 + 1e-5·|numeric|; (b) a random direction, vᵀ(J u) against
        (vᵀJ) u; (c) for inputs the op is linear in, ⟨J u, v⟩ = ⟨u, Jᵀ v⟩ to 1e-12 relative;
        (d) zero cotangents give zero gradients and two backward runs agree bit for bit.
        One row per configuration: the worst finite-difference errors, the worst adjoint error
        and the verdict. Exits 1 if any check fails.
        """,
        options: [
            OptionSpec("all-rows", help: "one row per check instead of per configuration"),
        ],
        positionals: 0...Int.max)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let ops = try arguments.positionals.isEmpty
            ? OpRegistry.all : arguments.positionals.map { try OpRegistry.op(named: $0) }
        let checker = GradientChecker()
        var rows = [[String]]()
        var failures = 0, configurations = 0
        for op in ops {
            let results = checker.check(op)
            // Group by configuration, keeping the order the op generated them in.
            var labels = [String]()
            for result in results where !labels.contains(result.configuration) { labels.append(result.configuration) }
            configurations += labels.count
            for label in labels {
                let group = results.filter { $0.configuration == label }
                let passed = group.allSatisfy(\.passed)
                if !passed { failures += 1 }
                if arguments.flag("all-rows") {
                    for r in group {
                        rows.append([op.name, label, r.check.rawValue + (r.input.isEmpty ? "" : "(\(r.input))"),
                                     sci(r.maxAbsError), sci(r.maxRelError), r.passed ? "pass" : "FAIL " + r.detail])
                    }
                    continue
                }
                let numeric = group.filter { $0.check == .jacobian || $0.check == .direction }
                let adjoint = group.filter { $0.check == .adjoint }
                let notes = group.filter { !$0.passed }.map { "\($0.check.rawValue)\($0.input.isEmpty ? "" : "(\($0.input))") \($0.detail)" }
                rows.append([
                    op.name, label,
                    numeric.isEmpty ? "-" : sci(numeric.map(\.maxAbsError).max()!),
                    numeric.isEmpty ? "-" : sci(numeric.map(\.maxRelError).max()!),
                    adjoint.isEmpty ? "-" : sci(adjoint.map(\.maxRelError).max()!),
                    passed ? "pass" : "FAIL " + notes.joined(separator: "; "),
                ])
            }
        }
        let header = arguments.flag("all-rows")
            ? ["op", "configuration", "check", "max abs err", "max rel err", "result"]
            : ["op", "configuration", "max abs err", "max rel err", "adjoint rel err", "result"]
        print(formatTable(header, rows))
        print("")
        print("\(ops.count) ops, \(configurations) configurations: \(configurations - failures) passed, \(failures) failed")
        return failures == 0 ? 0 : 1
    }
}

/// A number in short scientific notation, e.g. 3.2e-11.
func sci(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    if value == 0 { return "0" }
    let exponent = Int((log10(abs(value))).rounded(.down))
    let mantissa = value / pow(10, Double(exponent))
    return String(format: "%.1fe%d", mantissa, exponent)
}

import Foundation
