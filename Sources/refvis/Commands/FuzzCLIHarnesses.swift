import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// The two harnesses that need more than ReferenceLab sees: golden case JSON
/// (ReferenceGolden, which ReferenceLab does not depend on) and command-line
/// arguments (the parser lives in this executable). Living here keeps the
/// library's dependency graph as it was.
enum FuzzCLIHarnesses {
    /// Every harness, in the order `refvis fuzz all` runs them.
    static let order = ["npy", "safetensors", "model", "trace", "golden", "recipe", "objective", "args", "png", "jpeg", "pth"]

    static func all(fixtures: String = RepositoryFixtures.directory()) throws -> [FuzzHarness] {
        let harnesses = try FuzzHarnesses.all(fixtures: fixtures) + [golden(fixtures: fixtures), arguments()]
        return order.compactMap { name in harnesses.first { $0.name == name } }
    }

    /// Mutated `case.json` files read through `GoldenFolder.readCase(at:)`,
    /// the one entry point that validates a case (format, duplicate array
    /// names, paths that stay inside the case folder, shapes). It reads from
    /// a folder, so each mutant is written to a private temporary folder
    /// that the run removes again.
    static func golden(fixtures: String) throws -> FuzzHarness {
        let seeds = try FuzzHarnesses.fixtureFiles("golden", suffixes: ["/case.json"], fixtures: fixtures).map { [UInt8]($0) }
        @Sendable func runner(_ folder: URL) -> FuzzRunner<[UInt8]> {
            FuzzRunner(parser: "golden", seeds: seeds,
                       mutate: { input, all, rng in Mutator.text(input, others: all, &rng) },
                       target: { bytes in
                           do {
                               try Data(bytes).write(to: folder.appendingPathComponent("case.json"))
                           } catch {
                               throw FuzzSetupError(message: "cannot write \(folder.path)/case.json: \(error)")
                           }
                           _ = try GoldenFolder.readCase(at: folder)
                           return nil
                       })
        }
        @Sendable func withFolder<T>(_ body: (URL) -> T) -> T {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("refvis-fuzz-golden-\(UUID().uuidString)")
            try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            return body(folder)
        }
        return FuzzHarness(name: "golden", summary: "GoldenFolder.readCase on mutated case.json files",
                           run: { count, seed in withFolder { runner($0).run(count: count, seed: seed) } },
                           replay: { index, seed in
                               withFolder { folder in
                                   let r = runner(folder)
                                   return (r.outcome(case: index, seed: seed), String(decoding: r.input(case: index, seed: seed), as: UTF8.self))
                               }
                           })
    }

    /// A failure of the harness itself, never of the parser; counted as unexpected so it is seen.
    struct FuzzSetupError: Error, CustomStringConvertible { let message: String; var description: String { message } }

    /// One argument list for one command.
    struct Arguments: Sendable { var command: Int; var words: [String] }

    /// Words that break option parsers: the end-of-options marker, lone
    /// dashes and equals signs, numbers that look like options, huge numbers.
    static let interestingWords = ["--", "-", "", "=", "--=", "-=", "---", "--threads", "--threads=", "--threads=0",
                                   "-9", "-1e309", "1e309", "-x", "--no-such-option", "--out=", "=value", "-0", "-nan", "é"]

    /// Mutated argument lists parsed by each command's `CommandSpec.parse`,
    /// then the `--threads` value as `CommandLineTool.run` reads it; the
    /// commands themselves are not run.
    static func arguments() -> FuzzHarness {
        let specs = CommandLineTool.commands.map { $0.spec }
        var seeds = [Arguments]()
        for (index, spec) in specs.enumerated() {
            let positionals = (0..<spec.positionals.lowerBound).map { "arg\($0)" }
            var full = [String]()
            for (n, option) in spec.options.enumerated() {
                let form = option.short.map { n % 2 == 0 ? "-\($0)" : "--\(option.long)" } ?? "--\(option.long)"
                if option.valueName == nil { full.append(form) } else if n % 3 == 0 { full.append("--\(option.long)=3") } else { full += [form, "3"] }
            }
            seeds.append(Arguments(command: index, words: positionals))
            seeds.append(Arguments(command: index, words: full + positionals))
        }
        let runner = FuzzRunner<Arguments>(parser: "args", seeds: seeds, mutate: { input, all, rng in
            var mutant = input
            for _ in 0..<rng.integer(in: 1...4) { mutate(&mutant, specs: specs, all: all, &rng) }
            return mutant
        }, target: { input in
            let arguments = try specs[input.command].parse(input.words)
            _ = try arguments.int("threads", default: 1, in: 1...256)
            return nil
        })
        return FuzzHarness(runner, summary: "CommandSpec.parse of every command on mutated argument lists") { input in
            "refvis \(specs[input.command].name) " + input.words.map { "'\($0)'" }.joined(separator: " ")
        }
    }

    /// One word-level mutation of an argument list.
    static func mutate(_ input: inout Arguments, specs: [CommandSpec], all: [Arguments], _ rng: inout RandomGenerator) {
        var words = input.words
        let at = rng.integer(in: 0...words.count)
        func option(of spec: CommandSpec) -> [String] {
            guard !spec.options.isEmpty else { return ["--x"] }
            let option = rng.choice(from: spec.options)
            let form = rng.integer(in: 0..<2) == 0 ? option.short.map { "-\($0)" } ?? "--\(option.long)" : "--\(option.long)"
            switch rng.integer(in: 0..<4) {
            case 0: return [form]
            case 1: return ["--\(option.long)=" + rng.choice(from: interestingWords)]
            default: return [form, rng.choice(from: interestingWords + ["3", "x"])]
            }
        }
        switch rng.integer(in: 0..<8) {
        case 0: if at < words.count { words.remove(at: at) }
        case 1: if at < words.count { words.insert(words[at], at: at) }
        case 2: words.insert(rng.choice(from: interestingWords), at: at)
        case 3: words.insert(contentsOf: option(of: specs[input.command]), at: at)
        case 4: words.insert(contentsOf: option(of: rng.choice(from: specs)), at: at)  // another command's option
        case 5: if !words.isEmpty { words.removeLast(rng.integer(in: 1...words.count)) }
        case 6:  // splice with another list, possibly of another command
            let other = rng.choice(from: all).words
            words = Array(words[..<at]) + Array(other[rng.integer(in: 0...other.count)...])
        default:  // damage one word's characters
            if at < words.count {
                words[at] = String(decoding: Mutator.text(Array(words[at].utf8), others: [], &rng), as: UTF8.self)
            }
        }
        input.words = words
    }
}
