import Foundation

/// The type of an op attribute, as listed by `refvis ops`.
public indirect enum AttributeType: Sendable, Equatable, CustomStringConvertible {
    case int
    /// A list of integers; a single integer is accepted and kept as a
    /// one-element list (ops expand it, as PyTorch's `_pair` does).
    case ints
    case double
    case doubles
    case bool
    /// A string from a fixed set of choices.
    case choice([String])
    /// The type, or `none` (PyTorch's `None`).
    case optional(AttributeType)

    public var description: String {
        switch self {
        case .int: return "int"
        case .ints: return "int[]"
        case .double: return "float"
        case .doubles: return "float[]"
        case .bool: return "bool"
        case .choice(let choices): return choices.joined(separator: "|")
        case .optional(let wrapped): return "\(wrapped)?"
        }
    }
}

/// The value of an op attribute.
public enum AttributeValue: Sendable, Equatable, CustomStringConvertible {
    case int(Int)
    case ints([Int])
    case double(Double)
    case doubles([Double])
    case bool(Bool)
    case string(String)
    case null

    public var description: String {
        switch self {
        case .int(let v): return String(v)
        case .ints(let v): return "[" + v.map(String.init).joined(separator: ",") + "]"
        case .double(let v): return formatDouble(v)
        case .doubles(let v): return "[" + v.map(formatDouble).joined(separator: ",") + "]"
        case .bool(let v): return v ? "true" : "false"
        case .string(let v): return v
        case .null: return "none"
        }
    }

    /// The value as JSON (non-finite numbers as the strings "inf", "-inf", "nan").
    public var jsonObject: Any {
        switch self {
        case .int(let v): return v
        case .ints(let v): return v
        case .double(let v): return v.isFinite ? v as Any : formatDouble(v)
        case .doubles(let v): return v.map { $0.isFinite ? $0 as Any : formatDouble($0) }
        case .bool(let v): return v
        case .string(let v): return v
        case .null: return NSNull()
        }
    }

    /// Parses a command-line value for an attribute of type `type`: JSON when it
    /// parses (`[1,1]`, `true`, `0.5`, `null`), otherwise a bare string
    /// (`reflect`); `inf`, `-inf` and `nan` are accepted for floats.
    public static func parse(_ raw: String, as type: AttributeType, name: String) throws -> AttributeValue {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        let json: Any? = trimmed.data(using: .utf8).flatMap {
            try? JSONSerialization.jsonObject(with: $0, options: [.fragmentsAllowed])
        }
        return try coerce(json ?? trimmed, to: type, name: name)
    }

    /// Converts a JSON value (as Foundation decodes it) to an attribute of `type`.
    public static func coerce(_ json: Any, to type: AttributeType, name: String) throws -> AttributeValue {
        func fail(_ expected: String) -> RefvisError {
            RefvisError.usage("attribute '\(name)': expected \(expected), got '\(describeJSON(json))'")
        }
        switch type {
        case .optional(let wrapped):
            if json is NSNull { return .null }
            if let s = json as? String, s == "none" || s == "None" || s == "null" { return .null }
            return try coerce(json, to: wrapped, name: name)
        case .int:
            guard let v = integerValue(json) else { throw fail("an integer (|n| < 10^15)") }
            return .int(v)
        case .ints:
            if let v = integerValue(json) { return .ints([v]) }
            guard let list = json as? [Any] else { throw fail("an integer or a list of integers (|n| < 10^15)") }
            var values = [Int]()
            for item in list {
                guard let v = integerValue(item) else { throw fail("a list of integers (|n| < 10^15)") }
                values.append(v)
            }
            return .ints(values)
        case .double:
            guard let v = doubleValue(json) else { throw fail("a number") }
            return .double(v)
        case .doubles:
            if let v = doubleValue(json) { return .doubles([v]) }
            guard let list = json as? [Any] else { throw fail("a number or a list of numbers") }
            var values = [Double]()
            for item in list {
                guard let v = doubleValue(item) else { throw fail("a list of numbers") }
                values.append(v)
            }
            return .doubles(values)
        case .bool:
            if let n = json as? NSNumber, isBoolean(n) { return .bool(n.boolValue) }
            if let s = json as? String, s == "true" || s == "false" { return .bool(s == "true") }
            throw fail("true or false")
        case .choice(let choices):
            guard let s = json as? String, choices.contains(s) else {
                throw fail("one of " + choices.joined(separator: ", "))
            }
            return .string(s)
        }
    }
}

private func isBoolean(_ number: NSNumber) -> Bool {
    // Foundation on Linux and Darwin both report booleans with objCType "c".
    String(cString: number.objCType) == "c" || type(of: number) == type(of: NSNumber(value: true))
}

private func integerValue(_ json: Any) -> Int? {
    if let n = json as? NSNumber, !isBoolean(n) {
        let d = n.doubleValue
        guard d.isFinite, d == d.rounded(), abs(d) < 1e15 else { return nil }
        return Int(d)
    }
    return nil
}

private func doubleValue(_ json: Any) -> Double? {
    if let n = json as? NSNumber, !isBoolean(n) { return n.doubleValue }
    if let s = json as? String {
        switch s.lowercased() {
        case "inf", "+inf", "infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return nil
        }
    }
    return nil
}

private func describeJSON(_ json: Any) -> String {
    if json is NSNull { return "null" }
    if let data = try? JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]),
       let text = String(data: data, encoding: .utf8) { return text }
    return "\(json)"
}

/// Formats a double so that it reads back exactly (Swift's shortest round-trip form).
public func formatDouble(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value > 0 ? "inf" : "-inf" }
    return "\(value)"
}

/// The declaration of one attribute of an op: its name (PyTorch's), type and default.
public struct AttributeSpec: Sendable {
    public let name: String
    public let type: AttributeType
    /// `nil` means the attribute is required.
    public let defaultValue: AttributeValue?
    public let help: String

    public init(_ name: String, _ type: AttributeType, default defaultValue: AttributeValue?, _ help: String = "") {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
    }
}

/// The resolved attributes of one op call: every declared attribute present,
/// defaults filled in, types checked. Accessors throw a usage error naming the
/// attribute when a value is out of range for the op.
public struct Attributes: Sendable, Equatable {
    public private(set) var values: [String: AttributeValue]
    /// The op these attributes belong to, for error messages.
    public let opName: String

    public init(_ values: [String: AttributeValue] = [:], op opName: String = "") {
        self.values = values
        self.opName = opName
    }

    public subscript(name: String) -> AttributeValue? {
        get { values[name] }
        set { values[name] = newValue }
    }

    private func missing(_ name: String) -> RefvisError {
        RefvisError.usage("\(opName): missing attribute '\(name)'")
    }

    private func wrongType(_ name: String, _ expected: String) -> RefvisError {
        RefvisError.usage("\(opName): attribute '\(name)' must be \(expected), got \(values[name].map { "\($0)" } ?? "nothing")")
    }

    public func int(_ name: String) throws -> Int {
        switch values[name] {
        case .int(let v): return v
        case .ints(let v) where v.count == 1: return v[0]
        case nil: throw missing(name)
        default: throw wrongType(name, "an integer")
        }
    }

    public func double(_ name: String) throws -> Double {
        switch values[name] {
        case .double(let v): return v
        case .int(let v): return Double(v)
        case nil: throw missing(name)
        default: throw wrongType(name, "a number")
        }
    }

    public func bool(_ name: String) throws -> Bool {
        switch values[name] {
        case .bool(let v): return v
        case nil: throw missing(name)
        default: throw wrongType(name, "true or false")
        }
    }

    public func string(_ name: String) throws -> String {
        switch values[name] {
        case .string(let v): return v
        case nil: throw missing(name)
        default: throw wrongType(name, "a string")
        }
    }

    /// An integer list, or `nil` for `none`.
    public func optionalInts(_ name: String) throws -> [Int]? {
        switch values[name] {
        case .null, nil: return nil
        case .ints(let v): return v
        case .int(let v): return [v]
        default: throw wrongType(name, "a list of integers or none")
        }
    }

    public func ints(_ name: String) throws -> [Int] {
        guard let v = try optionalInts(name) else { throw missing(name) }
        return v
    }

    public func optionalDoubles(_ name: String) throws -> [Double]? {
        switch values[name] {
        case .null, nil: return nil
        case .doubles(let v): return v
        case .double(let v): return [v]
        case .ints(let v): return v.map(Double.init)
        case .int(let v): return [Double(v)]
        default: throw wrongType(name, "a list of numbers or none")
        }
    }

    public func optionalInt(_ name: String) throws -> Int? {
        if case .null = values[name] { return nil }
        if values[name] == nil { return nil }
        return try int(name)
    }

    /// true, false, or nil for `none` (PyTorch's `align_corners=None`).
    public func optionalBool(_ name: String) throws -> Bool? {
        switch values[name] {
        case .bool(let v): return v
        case .null, nil: return nil
        default: throw wrongType(name, "true, false or none")
        }
    }

    public func optionalDouble(_ name: String) throws -> Double? {
        if case .null = values[name] { return nil }
        if values[name] == nil { return nil }
        return try double(name)
    }

    /// PyTorch's `_pair`/`_ntuple`: one integer repeated `count` times, or a
    /// list of exactly `count` integers, each at least `minimum`.
    public func tuple(_ name: String, count: Int, minimum: Int) throws -> [Int] {
        let list = try ints(name)
        let expanded = list.count == 1 ? Array(repeating: list[0], count: count) : list
        guard expanded.count == count else {
            throw RefvisError.usage("\(opName): attribute '\(name)' needs 1 or \(count) integers, got \(list.count)")
        }
        guard expanded.allSatisfy({ $0 >= minimum }) else {
            throw RefvisError.usage("\(opName): attribute '\(name)' must be at least \(minimum), got \(AttributeValue.ints(list))")
        }
        return expanded
    }
}
