extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them. Each
    /// entry lives beside its kernels: TotalVariation.swift, Penalties.swift,
    /// GaussianBlur.swift, LucidBlur.swift, GramMatrix.swift,
    /// NormalizeImage.swift, GradientNormalizers.swift.
    static let regularizerOps: [OpDefinition] = [
        [totalVariationOp],
        penaltyOps,
        [gaussianBlurOp, lucidBlurOp, gramMatrixOp, normalizeImageOp],
        gradientNormalizerOps,
    ].flatMap { $0 }
}
