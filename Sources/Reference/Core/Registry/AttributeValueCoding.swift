import Foundation

/// Attribute values in JSON (model description files, golden cases, traces).
///
/// Encoding is the natural JSON form: integers and lists of integers as numbers,
/// floats as numbers (non-finite ones as the strings "inf", "-inf", "nan"),
/// booleans, strings, `null`. Decoding cannot know the declared type, so it
/// keeps integral numbers as `.int`/`.ints` and others as `.double`/`.doubles`;
/// `OpDefinition.resolve` then converts each value to the type the op declares
/// (an `.int(2)` becomes `2.0` for a float attribute, `"-inf"` becomes −∞).
extension AttributeValue: Codable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let b = try? container.decode(Bool.self) { self = .bool(b); return }
        if let i = try? container.decode(Int.self) { self = .int(i); return }
        if let d = try? container.decode(Double.self) { self = .double(d); return }
        if let s = try? container.decode(String.self) { self = .string(s); return }
        if let list = try? container.decode([Int].self) { self = .ints(list); return }
        if let list = try? container.decode([Double].self) { self = .doubles(list); return }
        throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected a number, a boolean, a string, null or a list of numbers")
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let v): try container.encode(v)
        case .ints(let v): try container.encode(v)
        case .double(let v): v.isFinite ? try container.encode(v) : try container.encode(formatDouble(v))
        case .doubles(let v):
            if v.allSatisfy(\.isFinite) { try container.encode(v) } else { try container.encode(v.map(formatDouble)) }
        case .bool(let v): try container.encode(v)
        case .string(let v): try container.encode(v)
        case .null: try container.encodeNil()
        }
    }
}
