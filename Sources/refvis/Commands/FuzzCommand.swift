import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// `refvis fuzz PARSER`: the project's own mutation fuzzer, so that "every
/// malformed input ends in a one-line RefvisError" is something anyone can
/// check for a few minutes with nothing but the built binary.
enum FuzzCommand: Command {
    static let spec = CommandSpec(
        name: "fuzz", summary: "Feed mutated inputs to refvis's parsers; every one must be accepted or refused cleanly",
        synopsis: "PARSER [--count N] [--seed S] [--case K]",
        details: """
        PARSER is one of \(FuzzCLIHarnesses.order.joined(separator: ", ")), or 'all'. Valid inputs
        from the Fixtures folder are mutated (bit flips, interesting bytes, insertions, deletions,
        truncations, duplicated chunks, splices; for text formats also numbers made huge, negative,
        NaN or 1e309, brackets deleted or doubled) and parsed. Each must be accepted or refused
        with a one-line RefvisError; anything else is unexpected and listed with its case number.
        Exit status 1 if any case was unexpected. Docs/fuzzing.md has measured runs.
        --case K replays case K of PARSER with the same seed and prints its input (all but png,
        jpeg and pth, which replay by seed and count).
        """,
        options: [
            OptionSpec("count", short: "n", value: "N", help: "cases per parser (default 1000)"),
            OptionSpec("seed", value: "S", help: "the generator's seed (default 1)"),
            OptionSpec("case", value: "K", help: "replay only case K and print its input"),
        ],
        positionals: 1...1)

    static func run(_ arguments: ParsedArguments) throws -> Int32 {
        let count = try arguments.int("count", default: 1000, in: 1...100_000_000)
        let seed: UInt64
        if let text = arguments.value("seed") {
            guard let value = UInt64(text) else { throw RefvisError.usage("--seed: expected an integer in 0...\(UInt64.max), got '\(escapingControls(text))'") }
            seed = value
        } else {
            seed = 1
        }
        let parser = arguments.positionals[0]
        guard parser == "all" || FuzzCLIHarnesses.order.contains(parser) else {
            throw RefvisError.usage("fuzz: unknown parser '\(escapingControls(parser))'; expected one of \(FuzzCLIHarnesses.order.joined(separator: ", ")) or all")
        }
        let harnesses = try FuzzCLIHarnesses.all().filter { parser == "all" || $0.name == parser }
        if arguments.value("case") != nil {
            return try replay(harnesses, arguments, seed: seed)
        }
        var rows = [[String]]()
        var unexpected = [String]()
        for harness in harnesses {
            let report = harness.run(count, seed)
            rows.append(row(report))
            unexpected += report.firstUnexpected.map { "\(report.parser) (seed \(seed)) \($0)" }
            if report.unexpected > report.firstUnexpected.count {
                unexpected.append("\(report.parser): … and \(report.unexpected - report.firstUnexpected.count) more")
            }
        }
        print(formatTable(["parser", "cases", "accepted", "refused", "unexpected", "seconds", "slowest case"], rows))
        for line in unexpected { print("unexpected: \(line)") }
        return unexpected.isEmpty ? 0 : 1
    }

    /// One table row: the counts, the run's seconds and the slowest case.
    static func row(_ report: FuzzReport) -> [String] {
        let slowest = report.slowestCase < 0 ? "-" : String(format: "%.4f s (#%d)", report.slowestSeconds, report.slowestCase)
        return [report.parser, "\(report.cases)", "\(report.accepted)", "\(report.refused)", "\(report.unexpected)",
                String(format: "%.2f", report.seconds), slowest]
    }

    /// `--case K`: one case of one parser, its outcome and its input.
    static func replay(_ harnesses: [FuzzHarness], _ arguments: ParsedArguments, seed: UInt64) throws -> Int32 {
        let index = try arguments.int("case", default: 0, in: 0...Int.max)
        guard harnesses.count == 1, let replay = harnesses[0].replay else {
            throw RefvisError.usage("--case: name one parser other than png, jpeg and pth")
        }
        let (outcome, input) = replay(index, seed)
        switch outcome {
        case .accepted: print("case \(index): accepted")
        case .refused(let message): print("case \(index): refused: \(message)")
        case .unexpected(let text): print("case \(index): unexpected: \(text)")
        }
        print(input)
        if case .unexpected = outcome { return 1 }
        return 0
    }
}
