// Typed calls of the Laplacian pyramid ops (Ops/Pyramids); see
// Tape+Pointwise.swift for why the wrappers only build attributes.

extension Tape {
    /// The packed Laplacian pyramid of (N, C, H, W) images (TF DeepDream's lap_split_n).
    public func laplacianPyramidBuild(_ input: Variable, levels: Int) throws -> Variable {
        try apply1("laplacian_pyramid_build", [input], ["levels": .int(levels)])
    }

    /// The (N, C, H, W) images of a packed pyramid (TF DeepDream's lap_merge).
    public func laplacianPyramidMerge(_ input: Variable, levels: Int, outputSize: [Int]) throws -> Variable {
        try apply1("laplacian_pyramid_merge", [input], ["levels": .int(levels), "output_size": .ints(outputSize)])
    }

    /// Each pyramid band divided by its root mean square (TF DeepDream's lap_normalize).
    public func laplacianPyramidNormalize(_ input: Variable, levels: Int = 4, epsilon: Double = 1e-10) throws -> Variable {
        try apply1("laplacian_pyramid_normalize", [input], ["levels": .int(levels), "epsilon": .double(epsilon)])
    }
}
