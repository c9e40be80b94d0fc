// Typed calls of the shape ops (Ops/Shape); see Tape+Pointwise.swift for why
// the wrappers only build attributes.

extension Tape {
    /// Pads (negative entries crop) the trailing dimensions; `pad` starts at
    /// the last one: (left, right, top, bottom, …) (torch.nn.functional.pad).
    public func pad(_ input: Variable, _ pad: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Variable {
        try apply1("pad", [input], ["pad": .ints(pad), "mode": mode.attributeValue, "value": .double(value)])
    }

    /// The tensors joined along `dim` (torch.cat).
    public func cat(_ tensors: [Variable], dim: Int = 0) throws -> Variable {
        try apply1("cat", tensors, ["dim": .int(dim)])
    }

    /// The slice `start..<start+length` along `dim` (torch.narrow).
    public func narrow(_ input: Variable, dim: Int, start: Int, length: Int) throws -> Variable {
        try apply1("narrow", [input], ["dim": .int(dim), "start": .int(start), "length": .int(length)])
    }

    /// The dimensions reordered: output.shape[k] = input.shape[dims[k]] (torch.permute).
    public func permute(_ input: Variable, _ dims: [Int]) throws -> Variable {
        try apply1("permute", [input], ["dims": .ints(dims)])
    }

    /// The same elements in row-major order under `shape`; one entry may be −1 (torch.reshape).
    public func reshape(_ input: Variable, _ shape: [Int]) throws -> Variable {
        try apply1("reshape", [input], ["shape": .ints(shape)])
    }

    /// A circular shift by `shifts` along `dims`; nil rolls the flattened tensor (torch.roll).
    public func roll(_ input: Variable, shifts: [Int], dims: [Int]? = nil) throws -> Variable {
        try apply1("roll", [input], ["shifts": .ints(shifts), "dims": dims.map(AttributeValue.ints) ?? .null])
    }
}
