extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    static let pointwiseOps: [OpDefinition] = [unaryOps, binaryOps, clampOps].flatMap { $0 }
}
