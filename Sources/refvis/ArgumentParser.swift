import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceGolden
import ReferenceLab

/// A deliberately small command-line parser (refvis takes no package dependencies).
///
/// A command declares its options; `parse` turns the words after the command
/// name into named values, flags and positional arguments. Options are long
/// (`--out FILE`, `--out=FILE`) or short (`-o FILE`); an option declared
/// `repeatable` collects every occurrence in order. Every mistake is a usage
/// error (exit status 2) that names the offending word.
struct OptionSpec {
    let long: String
    let short: Character?
    /// The placeholder shown in help; nil for a flag that takes no value.
    let valueName: String?
    let repeatable: Bool
    let help: String

    init(_ long: String, short: Character? = nil, value valueName: String? = nil,
         repeatable: Bool = false, help: String) {
        self.long = long
        self.short = short
        self.valueName = valueName
        self.repeatable = repeatable
        self.help = help
    }
}

struct ParsedArguments {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []

    func value(_ long: String) -> String? { values[long]?.last }
    func all(_ long: String) -> [String] { values[long] ?? [] }
    func flag(_ long: String) -> Bool { flags.contains(long) }

    /// An integer option within `range`, or `defaultValue` when absent.
    func int(_ long: String, default defaultValue: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = value(long) else { return defaultValue }
        guard let number = Int(text), range.contains(number) else {
            throw RefvisError.usage("--\(long): expected an integer in \(range.lowerBound)...\(range.upperBound), got '\(escapingControls(text))'")
        }
        return number
    }
}

struct CommandSpec {
    let name: String
    let summary: String
    /// The synopsis after `refvis NAME`, e.g. "NAME -i INPUT=FILE.npy …".
    let synopsis: String
    let details: String
    let options: [OptionSpec]
    /// How many positional arguments the command accepts.
    let positionals: ClosedRange<Int>

    /// The words come from anywhere a shell can put them; every message that
    /// quotes one has its control characters escaped so it stays on one line.
    func parse(_ words: [String]) throws -> ParsedArguments {
        do {
            return try parseWords(words)
        } catch let error as RefvisError {
            throw RefvisError(escapingControls(error.message), kind: error.kind)
        }
    }

    private func parseWords(_ words: [String]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        func find(_ word: String) throws -> OptionSpec {
            if word.hasPrefix("--"), let spec = options.first(where: { $0.long == String(word.dropFirst(2)) }) {
                return spec
            }
            if word.count == 2, word.hasPrefix("-"), let spec = options.first(where: { $0.short == word.last }) {
                return spec
            }
            throw RefvisError.usage("\(name): unknown option '\(word)' (see 'refvis help \(name)')")
        }
        while index < words.count {
            var word = words[index]
            index += 1
            if word == "--" {
                parsed.positionals += words[index...]
                break
            }
            guard word.hasPrefix("-"), word.count > 1, Double(word) == nil else {
                parsed.positionals.append(word)
                continue
            }
            var inlineValue: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                inlineValue = String(word[word.index(after: equals)...])
                word = String(word[..<equals])
            }
            let spec = try find(word)
            if spec.valueName == nil {
                guard inlineValue == nil else { throw RefvisError.usage("\(name): option '\(word)' takes no value") }
                parsed.flags.insert(spec.long)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < words.count else {
                    throw RefvisError.usage("\(name): option '\(word)' needs a value (\(spec.valueName!))")
                }
                value = words[index]
                index += 1
            }
            if !spec.repeatable, parsed.values[spec.long] != nil {
                throw RefvisError.usage("\(name): option '--\(spec.long)' given more than once")
            }
            parsed.values[spec.long, default: []].append(value)
        }
        guard positionals.contains(parsed.positionals.count) else {
            let expected = positionals.lowerBound == positionals.upperBound
                ? "\(positionals.lowerBound)" : "\(positionals.lowerBound) to \(positionals.upperBound)"
            throw RefvisError.usage("\(name): expected \(expected) argument\(positionals.upperBound == 1 ? "" : "s"), got \(parsed.positionals.count) (see 'refvis help \(name)')")
        }
        return parsed
    }

    /// The text of `refvis help NAME`.
    var help: String {
        var lines = ["usage: refvis \(name) \(synopsis)", "", summary]
        if !details.isEmpty { lines += ["", details] }
        if !options.isEmpty {
            lines += ["", "options:"]
            let left = options.map { spec -> String in
                var text = spec.short.map { "-\($0), " } ?? "    "
                text += "--\(spec.long)"
                if let value = spec.valueName { text += " \(value)" }
                return text
            }
            let width = left.map(\.count).max() ?? 0
            for (text, spec) in zip(left, options) {
                lines.append("  " + text.padding(toLength: width + 2, withPad: " ", startingAt: 0) + spec.help)
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// Splits `NAME=VALUE`, naming the option in the error when the `=` is missing.
func splitAssignment(_ text: String, option: String) throws -> (String, String) {
    guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
        throw RefvisError.usage("\(option): expected NAME=VALUE, got '\(escapingControls(text))'")
    }
    return (String(text[..<equals]), String(text[text.index(after: equals)...]))
}

