extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them.
    /// Each entry lives beside its kernels: Pad.swift, Cat.swift, Narrow.swift,
    /// Permute.swift, Reshape.swift, Roll.swift.
    static let shapeOps: [OpDefinition] = [
        padOp,
        catOp,
        narrowOp,
        permuteOp,
        reshapeOp,
        rollOp,
    ]
}
