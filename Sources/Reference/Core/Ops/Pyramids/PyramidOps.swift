extension OpRegistry {
    /// The ops of this family, in the order `refvis ops` lists them:
    /// LaplacianPyramid.swift (build, merge) and LaplacianPyramidNormalize.swift.
    static let pyramidOps: [OpDefinition] = laplacianPyramidOps + [laplacianPyramidNormalizeOp]
}
