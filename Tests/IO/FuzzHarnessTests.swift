import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport
@testable import refvis

/// Every harness of `refvis fuzz`, run for a bounded number of seeded cases:
/// each mutated input must be accepted or refused with a one-line
/// `RefvisError`. A trap would end the test process, so reaching the
/// assertions means none crashed. The counts keep the suite to a few seconds
/// in a debug build; Docs/fuzzing.md records runs of 100 000 per parser.
@Suite("Fuzz harnesses")
struct FuzzHarnessTests {
    /// Cases per parser: the JSON harnesses cost about 2 ms a case in a debug build, the rest far less.
    static let counts = ["npy": 2000, "safetensors": 2000, "model": 400, "trace": 300, "golden": 400, "recipe": 1000,
                         "objective": 2000, "args": 2000, "png": 500, "jpeg": 400, "pth": 500]

    static func harness(_ name: String) throws -> FuzzHarness {
        try #require(try FuzzCLIHarnesses.all().first { $0.name == name }, "no harness '\(name)'")
    }

    @Test func everyParserHasAHarness() throws {
        #expect(try FuzzCLIHarnesses.all().map(\.name) == FuzzCLIHarnesses.order)
        #expect(Set(Self.counts.keys) == Set(FuzzCLIHarnesses.order))
    }

    @Test(arguments: FuzzCLIHarnesses.order)
    func mutantsAreAcceptedOrRefusedCleanly(_ parser: String) throws {
        let count = try #require(Self.counts[parser])
        let report = try Self.harness(parser).run(count, 1)
        #expect(report.parser == parser)
        #expect(report.cases == count)
        #expect(report.unexpected == 0, "\(report.firstUnexpected)")
        #expect(report.accepted + report.refused == count)
        // The mutations reach the parser's checks: most inputs are refused, yet not all.
        #expect(report.refused > count / 2)
        #expect(report.accepted > 0)
    }

    @Test func aSeedNamesTheSameCasesAndACaseReplaysAlone() throws {
        for name in ["npy", "objective", "args"] {
            let harness = try Self.harness(name)
            #expect(harness.run(200, 9) == harness.run(200, 9))
            #expect(harness.run(200, 9) != harness.run(200, 10))
            // Replaying cases one by one gives the run's counts.
            let replay = try #require(harness.replay)
            let outcomes = (0..<200).map { replay($0, 9).outcome }
            let accepted = outcomes.filter { $0 == .accepted }.count
            #expect(accepted == harness.run(200, 9).accepted)
        }
    }

    @Test func textMutationsReachNumbersBracketsAndStrings() {
        let json = Array(#"{"a": [1, 2.5, -3], "b": "x"}"#.utf8)
        var rng = RandomGenerator(seed: 3)
        var seen = Set<String>()
        for _ in 0..<400 { seen.insert(String(decoding: Mutator.text(json, others: [], &rng), as: UTF8.self)) }
        #expect(seen.contains { $0.contains("1e309") || $0.contains("NaN") || $0.contains("9223372036854775808") })
        #expect(seen.contains { $0.contains("[[") || !$0.contains("[") })
        #expect(seen.contains { $0.contains("\"\"") || $0.contains("null") || $0.contains(#"\ud800"#) })
        #expect(seen.count > 300)
    }

    @Test func theOutcomeRules() {
        #expect(FuzzOutcome.of { nil } == .accepted)
        #expect(FuzzOutcome.of { throw RefvisError("f: bad") } == .refused("f: bad"))
        #expect(FuzzOutcome.of { "a wrong shape" } == .unexpected("accepted, but a wrong shape"))
        #expect(FuzzOutcome.of { throw RefvisError("f: two\nlines") } == .unexpected("badly formed RefvisError 'f: two\nlines'"))
        #expect(FuzzOutcome.of { throw RefvisError("") } == .unexpected("badly formed RefvisError ''"))
        struct Other: Error {}
        if case .unexpected(let text) = FuzzOutcome.of({ throw Other() }) {
            #expect(text.hasPrefix("threw Other"))
        } else {
            Issue.record("another error type must be unexpected")
        }
    }

    // MARK: - Regressions found by the harnesses

    /// Found by `refvis fuzz npy` (seed 1, case 87; seed 7, case 2274): the
    /// header's key, and its Latin-1 excerpt, were quoted raw, so a carriage
    /// return, NEL (0x85) or U+2028 in a damaged header split the message.
    @Test func npyHeaderMessagesStayOnOneLine() throws {
        let carriageReturn = npy(dict("<f8", "(1,)").replacingOccurrences(of: "fortran_order", with: "fo\rtran_order"), [UInt8](repeating: 0, count: 8))
        let separator = npy(dict("<f8", "(1,)").replacingOccurrences(of: "descr", with: "de\u{2028}scr"), [UInt8](repeating: 0, count: 8), version: (3, 0))
        let nextLine = npy(dict("<f8", "(1,\u{85}x)"), [UInt8](repeating: 0, count: 8), version: (3, 0))
        for data in [carriageReturn, separator, nextLine] {
            let error = try #require(readNPYError(data))
            #expect(!error.message.contains { $0.isNewline }, "\(error.message)")
        }
        let error = try #require(readNPYError(carriageReturn))
        #expect(error.message.contains(#"'fo\rtran_order'"#))
    }

    /// Found by `refvis fuzz args` (seed 7, case 340): `refvis bench -$'\f'`
    /// printed the form feed inside "unknown option '…'".
    @Test func argumentMessagesStayOnOneLine() throws {
        let spec = BenchCommand.spec
        for words in [["-\u{0C}"], ["--threads=\n3"], ["--\u{2028}"]] {
            do {
                let parsed = try spec.parse(words)
                _ = try parsed.int("threads", default: 1, in: 1...256)
                Issue.record("\(words) parsed")
            } catch let error as RefvisError {
                #expect(!error.message.contains { $0.isNewline }, "\(error.message)")
                #expect(error.kind == .usage)
            }
        }
        #expect(throws: RefvisError.self) { try splitAssignment("a\nb", option: "--set") }
        do { _ = try splitAssignment("a\nb", option: "--set") } catch let error as RefvisError {
            #expect(error.message == #"--set: expected NAME=VALUE, got 'a\nb'"#)
        }
    }

    /// Found by `refvis fuzz objective` (seed 1, cases 69537, 73801, 75465,
    /// 88604): a quoted layer name holding a vertical tab or a newline was
    /// echoed raw in "expected a channel number after …" and "unexpected …".
    @Test func objectiveMessagesStayOnOneLine() throws {
        for source in ["'odd/lay\u{0B}:':0.5", "2'o\nd/layer':a:1 + 2", "'a\u{2028}b':x"] {
            do {
                _ = try ObjectiveParser.parse(source)
                Issue.record("\(source) parsed")
            } catch let error as RefvisError {
                #expect(!error.message.contains { $0.isNewline }, "\(error.message)")
                #expect(error.message.hasPrefix("objective: "))
            }
        }
    }

    // MARK: - The command

    @Test func theCommandPrintsTheCountsAndExitsZero() throws {
        let result = try Refvis.run(["fuzz", "objective", "--count", "50", "--seed", "4"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("parser"))
        #expect(result.stdout.contains("unexpected"))
        #expect(result.stdout.contains("objective  50"))
        let replay = try Refvis.run(["fuzz", "objective", "--seed", "4", "--case", "3"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout.hasPrefix("case 3: "))
    }

    @Test func theCommandRefusesUnknownParsersAndBadSeeds() throws {
        #expect(try Refvis.run(["fuzz", "xml"]).status == 2)
        #expect(try Refvis.run(["fuzz", "npy", "--seed", "-1"]).status == 2)
        #expect(try Refvis.run(["fuzz", "png", "--case", "1"]).status == 2)
        #expect(try Refvis.run(["fuzz"]).status == 2)
    }
}
