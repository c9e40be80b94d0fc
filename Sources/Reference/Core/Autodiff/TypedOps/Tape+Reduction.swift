// Typed calls of the reductions (Ops/Reduction); see Tape+Pointwise.swift for
// why the wrappers only build attributes.

extension Tape {
    /// The sum over `dim` (every element when nil), keeping reduced dimensions
    /// as size 1 when `keepdim` (torch.sum).
    public func sum(_ input: Variable, dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply1("sum", [input], ["dim": dim.map(AttributeValue.ints) ?? .null, "keepdim": .bool(keepdim)])
    }

    /// The mean over `dim` (every element when nil) (torch.mean).
    public func mean(_ input: Variable, dim: [Int]? = nil, keepdim: Bool = false) throws -> Variable {
        try apply1("mean", [input], ["dim": dim.map(AttributeValue.ints) ?? .null, "keepdim": .bool(keepdim)])
    }

    /// softmax along `dim` (torch.nn.functional.softmax).
    public func softmax(_ input: Variable, dim: Int) throws -> Variable {
        try apply1("softmax", [input], ["dim": .int(dim)])
    }

    /// log softmax along `dim` (torch.nn.functional.log_softmax).
    public func logSoftmax(_ input: Variable, dim: Int) throws -> Variable {
        try apply1("log_softmax", [input], ["dim": .int(dim)])
    }

    /// The cosine of the angle between `x1` and `x2` along `dim`, each norm at
    /// least `eps` (torch.nn.functional.cosine_similarity).
    public func cosineSimilarity(_ x1: Variable, _ x2: Variable, dim: Int = 1, eps: Double = 1e-8) throws -> Variable {
        try apply1("cosine_similarity", [x1, x2], ["dim": .int(dim), "eps": .double(eps)])
    }
}
