extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let linearAlgebraOps: [OpDefinition] = [matmulOps, linearOps].flatMap { $0 }
}
