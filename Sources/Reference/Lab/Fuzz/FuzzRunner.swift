import Foundation
import ReferenceCore

/// What one fuzzing run of one parser saw.
///
/// refvis promises that every malformed input ends in a `RefvisError` with a
/// one-line message; anything else (another error type, a message spanning
/// lines, an accepted result that fails its own check) is counted as
/// unexpected, with the case number that replays it. A trap cannot be counted
/// from inside the process, it ends it, so a run that returns had none.
public struct FuzzReport: Sendable, Equatable {
    /// The parser's name on the command line (npy, model, args, ...).
    public var parser: String
    public var seed: UInt64
    /// Mutated inputs tried.
    public var cases = 0
    /// Inputs the parser accepted.
    public var accepted = 0
    /// Inputs refused with a one-line `RefvisError`.
    public var refused = 0
    /// Inputs that ended any other way; must be 0.
    public var unexpected = 0
    /// The first few unexpected outcomes, each as "case N: what happened".
    public var firstUnexpected: [String] = []
    /// Wall-clock time of the run, and the slowest single case (a hang or a
    /// runaway allocation shows up here as a number rather than a stall).
    public var seconds = 0.0
    public var slowestSeconds = 0.0
    public var slowestCase = -1

    public init(parser: String, seed: UInt64) {
        self.parser = parser
        self.seed = seed
    }

    /// Counts one unexpected outcome, keeping the first ten descriptions.
    public mutating func noteUnexpected(_ text: String) {
        unexpected += 1
        if firstUnexpected.count < 10 { firstUnexpected.append(text) }
    }

    /// Equality ignores the timings, which differ from run to run.
    public static func == (a: FuzzReport, b: FuzzReport) -> Bool {
        a.parser == b.parser && a.seed == b.seed && (a.cases, a.accepted, a.refused, a.unexpected) == (b.cases, b.accepted, b.refused, b.unexpected)
            && a.firstUnexpected == b.firstUnexpected
    }
}

/// How one parser outcome is classified.
public enum FuzzOutcome: Sendable, Equatable {
    case accepted
    case refused(String)
    case unexpected(String)

    /// Runs `body`: returning is acceptance, a one-line `RefvisError` is a
    /// refusal, and anything else (another error, an empty or multi-line
    /// message, or `body` returning a complaint) is unexpected.
    public static func of(_ body: () throws -> String?) -> FuzzOutcome {
        do {
            if let complaint = try body() { return .unexpected("accepted, but \(complaint)") }
            return .accepted
        } catch let error as RefvisError {
            if error.message.isEmpty || error.message.contains(where: \.isNewline) {
                return .unexpected("badly formed RefvisError '\(error.message)'")
            }
            return .refused(error.message)
        } catch {
            return .unexpected("threw \(type(of: error)): \(error)")
        }
    }
}

/// The generic seeded mutation loop every harness uses.
///
/// Case `i` of a run depends only on (seed, i): its generator is seeded from
/// both, so `input(case:)` rebuilds a failing input without replaying the
/// cases before it.
public struct FuzzRunner<Input>: Sendable where Input: Sendable {
    public let parser: String
    public let seeds: [Input]
    /// Turns a seed input into a mutant; gets every seed for splicing.
    public let mutate: @Sendable (_ input: Input, _ all: [Input], _ rng: inout RandomGenerator) -> Input
    /// Feeds one input to the parser; returns nil, or a complaint about an accepted result.
    public let target: @Sendable (Input) throws -> String?

    public init(parser: String, seeds: [Input],
                mutate: @escaping @Sendable (Input, [Input], inout RandomGenerator) -> Input,
                target: @escaping @Sendable (Input) throws -> String?) {
        self.parser = parser
        self.seeds = seeds
        self.mutate = mutate
        self.target = target
    }

    /// The generator of case `index` of a run seeded with `seed`.
    public static func generator(seed: UInt64, case index: Int) -> RandomGenerator {
        RandomGenerator(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15, stream: 0xF022)
    }

    /// Mutant `index` of a run seeded with `seed`.
    public func input(case index: Int, seed: UInt64) -> Input {
        var rng = Self.generator(seed: seed, case: index)
        let original = seeds[rng.integer(in: 0..<seeds.count)]
        return mutate(original, seeds, &rng)
    }

    /// What the parser makes of mutant `index`.
    public func outcome(case index: Int, seed: UInt64) -> FuzzOutcome {
        let mutant = input(case: index, seed: seed)
        return FuzzOutcome.of { try target(mutant) }
    }

    /// Runs cases 0..<count.
    public func run(count: Int, seed: UInt64) -> FuzzReport {
        var report = FuzzReport(parser: parser, seed: seed)
        guard !seeds.isEmpty else {
            report.noteUnexpected("no seed inputs to mutate")
            return report
        }
        let start = DispatchTime.now().uptimeNanoseconds
        for index in 0..<max(count, 0) {
            let caseStart = DispatchTime.now().uptimeNanoseconds
            switch outcome(case: index, seed: seed) {
            case .accepted: report.accepted += 1
            case .refused: report.refused += 1
            case .unexpected(let text): report.noteUnexpected("case \(index): \(text)")
            }
            report.cases += 1
            let caseSeconds = Double(DispatchTime.now().uptimeNanoseconds - caseStart) / 1e9
            if caseSeconds > report.slowestSeconds { (report.slowestSeconds, report.slowestCase) = (caseSeconds, index) }
        }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return report
    }
}

/// A named harness, type-erased so the command line can list and run them all.
public struct FuzzHarness: Sendable {
    public let name: String
    /// What is fuzzed, for help text and the docs.
    public let summary: String
    /// Runs `count` cases with `seed`.
    public let run: @Sendable (_ count: Int, _ seed: UInt64) -> FuzzReport
    /// Replays one case: its outcome and a printable form of its input
    /// (nil for the harnesses that reuse a fuzzer without per-case replay).
    public let replay: (@Sendable (_ index: Int, _ seed: UInt64) -> (outcome: FuzzOutcome, input: String))?

    public init(name: String, summary: String, run: @escaping @Sendable (Int, UInt64) -> FuzzReport,
                replay: (@Sendable (Int, UInt64) -> (outcome: FuzzOutcome, input: String))? = nil) {
        self.name = name
        self.summary = summary
        self.run = run
        self.replay = replay
    }

    /// A harness over a `FuzzRunner`, replayable case by case; `show` prints an input.
    public init<Input>(_ runner: FuzzRunner<Input>, summary: String, show: @escaping @Sendable (Input) -> String) {
        self.init(name: runner.parser, summary: summary, run: { runner.run(count: $0, seed: $1) },
                  replay: { index, seed in (runner.outcome(case: index, seed: seed), show(runner.input(case: index, seed: seed))) })
    }
}
