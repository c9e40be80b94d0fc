// Typed calls of the elementwise ops (Ops/Pointwise). Each one only names the
// registered op and spells its attributes, so the registry entry stays the
// single implementation and a misspelt op or attribute is a compile error at
// the call site instead of a usage error at run time.

extension Tape {
    /// −x (torch.neg).
    public func neg(_ input: Variable) throws -> Variable { try apply1("neg", [input]) }
    /// x² (torch.square).
    public func square(_ input: Variable) throws -> Variable { try apply1("square", [input]) }
    /// √x (torch.sqrt).
    public func sqrt(_ input: Variable) throws -> Variable { try apply1("sqrt", [input]) }
    /// eˣ (torch.exp).
    public func exp(_ input: Variable) throws -> Variable { try apply1("exp", [input]) }
    /// ln x (torch.log).
    public func log(_ input: Variable) throws -> Variable { try apply1("log", [input]) }
    /// |x| (torch.abs).
    public func abs(_ input: Variable) throws -> Variable { try apply1("abs", [input]) }
    /// max(x, 0) (torch.nn.functional.relu).
    public func relu(_ input: Variable) throws -> Variable { try apply1("relu", [input]) }
    /// 1 / (1 + e⁻ˣ) (torch.sigmoid).
    public func sigmoid(_ input: Variable) throws -> Variable { try apply1("sigmoid", [input]) }
    /// tanh x (torch.tanh).
    public func tanh(_ input: Variable) throws -> Variable { try apply1("tanh", [input]) }

    /// input + alpha·other, broadcasting (torch.add).
    public func add(_ input: Variable, _ other: Variable, alpha: Double = 1) throws -> Variable {
        try apply1("add", [input, other], ["alpha": .double(alpha)])
    }

    /// input − alpha·other, broadcasting (torch.sub).
    public func sub(_ input: Variable, _ other: Variable, alpha: Double = 1) throws -> Variable {
        try apply1("sub", [input, other], ["alpha": .double(alpha)])
    }

    /// input · other, broadcasting (torch.mul).
    public func mul(_ input: Variable, _ other: Variable) throws -> Variable { try apply1("mul", [input, other]) }

    /// input / other, broadcasting (torch.div).
    public func div(_ input: Variable, _ other: Variable) throws -> Variable { try apply1("div", [input, other]) }

    /// min(max(x, min), max); nil leaves that side open (torch.clamp).
    public func clamp(_ input: Variable, min lower: Double? = nil, max upper: Double? = nil) throws -> Variable {
        try apply1("clamp", [input], ["min": lower.map(AttributeValue.double) ?? .null,
                                       "max": upper.map(AttributeValue.double) ?? .null])
    }
}
