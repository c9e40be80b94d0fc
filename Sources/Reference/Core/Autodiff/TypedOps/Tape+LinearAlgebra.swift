// Typed calls of the matrix ops (Ops/LinearAlgebra); see Tape+Pointwise.swift
// for why the wrappers only build attributes.

extension Tape {
    /// The matrix product with torch.matmul's promotion and broadcasting rules.
    public func matmul(_ input: Variable, _ other: Variable) throws -> Variable { try apply1("matmul", [input, other]) }

    /// x Wᵀ + b (torch.nn.functional.linear).
    public func linear(_ input: Variable, _ weight: Variable, bias: Variable? = nil) throws -> Variable {
        try apply1("linear", [input, weight] + (bias.map { [$0] } ?? []))
    }
}
