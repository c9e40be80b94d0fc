/// A string attribute with a fixed set of values (`pad`'s `mode`, the FFTs'
/// `norm`, …), spelled as a Swift enum whose raw values are PyTorch's strings.
///
/// Conforming is all an op has to do: the enum's cases declare the choices
/// (`AttributeSpec(_:_:default:_:)`), and `Attributes.choice(_:_:)` reads them
/// back, so the spelling of every choice and the wording of the error for a
/// wrong one live here once instead of in each op. The order of `allCases` is
/// the order `refvis ops` lists the choices in.
public protocol AttributeChoice: RawRepresentable, CaseIterable, Sendable where RawValue == String {}

extension AttributeChoice {
    /// The declared type: every case's raw value, in declaration order.
    public static var attributeType: AttributeType { .choice(allCases.map(\.rawValue)) }

    /// The value to pass for this choice in an attribute dictionary.
    public var attributeValue: AttributeValue { .string(rawValue) }

    /// The choice spelled `raw`, or a one-line usage error naming the op, the
    /// attribute, the value and every valid value, e.g.
    /// `pad: unknown mode 'bogus' (valid: constant, reflect, replicate, circular)`.
    public init(_ raw: String, attribute: String, op: String) throws {
        guard let value = Self(rawValue: raw) else {
            let valid = Self.allCases.map(\.rawValue).joined(separator: ", ")
            throw RefvisError.usage("\(op): unknown \(attribute) '\(raw)' (valid: \(valid))")
        }
        self = value
    }
}

extension AttributeSpec {
    /// Declares a choice attribute from its enum, so the listed choices and the
    /// default cannot drift from the cases the op switches over.
    public init<Choice: AttributeChoice>(_ name: String, _ choice: Choice.Type, default defaultValue: Choice?,
                                         _ help: String = "") {
        self.init(name, Choice.attributeType, default: defaultValue?.attributeValue, help)
    }
}

extension Attributes {
    /// The attribute `name` as the enum `Choice`; the one place a choice is
    /// parsed from its string. Throws a usage error naming the op, the
    /// attribute, the bad value and the valid ones.
    public func choice<Choice: AttributeChoice>(_ type: Choice.Type, _ name: String) throws -> Choice {
        try Choice(string(name), attribute: name, op: opName)
    }
}
