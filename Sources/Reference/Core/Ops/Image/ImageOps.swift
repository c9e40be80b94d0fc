extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them: the building
    /// blocks of Lucid's and Lucent's image parameterizations (see
    /// `Sources/Reference/Parameterizations`). Each entry lives beside its kernels:
    /// FourierImage.swift, ColorDecorrelate.swift, ResizeBilinearND.swift, SymmetricShift.swift.
    static let imageOps: [OpDefinition] = [
        fourierImageOp,
        colorDecorrelateOp,
        resizeBilinearNDOp,
        symmetricShiftOp,
    ]
}
