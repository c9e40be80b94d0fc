import ReferenceCore

/// A stage choice written as text: a name, then its arguments separated by
/// colons, as `blur:10:0.5` or `fft:0.01:1`. The command line and the JSON
/// recipe use the same text, so one parser and one formatter serve both.
public protocol SpecText: Codable, Sendable, Equatable, CustomStringConvertible {
    /// Parses `text`; errors name `option` (e.g. "--after-step").
    init(parsing text: String, option: String) throws
    /// The canonical text, which parses back to an equal value.
    var text: String { get }
}

extension SpecText {
    public var description: String { text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(parsing: try container.decode(String.self), option: "recipe")
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }

    /// A comma list of items; the empty string and empty items are refused.
    public static func parseList(_ text: String, option: String) throws -> [Self] {
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !text.trimmingCharacters(in: .whitespaces).isEmpty, !items.contains("") else {
            throw RefvisError.usage("\(option): '\(text)' has an empty item; give a comma list without empty entries")
        }
        return try items.map { try Self(parsing: $0, option: option) }
    }
}

/// One row of a stage catalog: what `refvis help render` prints.
public struct SpecEntry: Sendable {
    public let name: String
    /// Argument names with their defaults (nil: required), in order.
    public let arguments: [(name: String, defaultValue: Double?)]
    public let summary: String

    public init(_ name: String, _ summary: String) {
        self.init(name, [], summary)
    }

    public init(_ name: String, _ arguments: [(name: String, defaultValue: Double?)], _ summary: String) {
        self.name = name
        self.arguments = arguments
        self.summary = summary
    }

    /// `name[:ARG=default…]  summary`.
    public var helpLine: String {
        let args = arguments.map { ":" + $0.name.uppercased() + ($0.defaultValue.map { "=\(specNumber($0))" } ?? "") }.joined()
        return "\(name)\(args)  \(summary)"
    }

    /// Parses the numbers after the name, filling defaults; too many, missing
    /// or non-numeric arguments are one-line usage errors naming `option`.
    public func numbers(_ parts: [Substring], option: String, text: String) throws -> [Double] {
        guard parts.count <= arguments.count else {
            throw RefvisError.usage("\(option): '\(text)' has \(parts.count) argument\(parts.count == 1 ? "" : "s"); \(name) takes at most \(arguments.count) (\(helpLine))")
        }
        return try arguments.enumerated().map { index, argument in
            if index < parts.count {
                guard let value = Double(parts[index]), value.isFinite else {
                    throw RefvisError.usage("\(option): '\(text)': \(argument.name) must be a number, got '\(parts[index])'")
                }
                return value
            }
            guard let fallback = argument.defaultValue else {
                throw RefvisError.usage("\(option): '\(text)' needs \(argument.name) (\(helpLine))")
            }
            return fallback
        }
    }
}

/// Finds `name` in `catalog` or throws a usage error listing the names.
func catalogEntry(_ catalog: [SpecEntry], _ text: String, option: String) throws -> (SpecEntry, [Substring]) {
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    let name = String(parts[0])
    guard let entry = catalog.first(where: { $0.name == name }) else {
        throw RefvisError.usage("\(option): unknown '\(name)' (\(catalog.map(\.name).joined(separator: ", ")))")
    }
    return (entry, Array(parts.dropFirst()))
}

/// `value` as an integer in `range`, or a usage error.
func wholeNumber(_ value: Double, _ what: String, in range: ClosedRange<Int>, option: String) throws -> Int {
    guard let n = Int(exactly: value), range.contains(n) else {
        throw RefvisError.usage("\(option): \(what) must be a whole number in \(range.lowerBound)…\(range.upperBound), got \(formatDouble(value))")
    }
    return n
}

/// Formats numbers for canonical text: integers without a decimal point.
func specNumber(_ value: Double) -> String {
    if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
    return formatDouble(value)
}
