// Typed calls of the normalization ops (Ops/Normalization); see
// Tape+Pointwise.swift for why the wrappers only build attributes.

extension Tape {
    /// Local response normalization across channels
    /// (torch.nn.functional.local_response_norm).
    public func localResponseNorm(_ input: Variable, size: Int, alpha: Double = 1e-4, beta: Double = 0.75,
                                  k: Double = 1) throws -> Variable {
        try apply1("local_response_norm", [input],
                   ["size": .int(size), "alpha": .double(alpha), "beta": .double(beta), "k": .double(k)])
    }
}
