// Typed calls of the regularizers, blurs and gradient normalizers
// (Ops/Regularizers); see Tape+Pointwise.swift for why the wrappers only build
// attributes.

extension Tape {
    /// Per-image total variation (tf.image.total_variation for `.l1`, `.sum`).
    public func totalVariation(_ input: Variable, kind: TotalVariationKind = .l1,
                               reduction: TotalVariationReduction = .sum) throws -> Variable {
        try apply1("total_variation", [input], ["kind": kind.attributeValue, "reduction": reduction.attributeValue])
    }

    /// Σ|x − constant| (Lucid's objectives.L1).
    public func l1Penalty(_ input: Variable, constant: Double = 0) throws -> Variable {
        try apply1("l1_penalty", [input], ["constant": .double(constant)])
    }

    /// √(epsilon + Σ(x − constant)²) (Lucid's objectives.L2).
    public func l2Penalty(_ input: Variable, constant: Double = 0, epsilon: Double = 1e-6) throws -> Variable {
        try apply1("l2_penalty", [input], ["constant": .double(constant), "epsilon": .double(epsilon)])
    }

    /// A separable Gaussian blur per channel; `sigma` nil derives it from the
    /// kernel size (torchvision's gaussian_blur).
    public func gaussianBlur(_ input: Variable, kernelSize: [Int], sigma: [Double]? = nil) throws -> Variable {
        try apply1("gaussian_blur", [input], ["kernel_size": .ints(kernelSize), "sigma": sigma.map(AttributeValue.doubles) ?? .null])
    }

    /// Lucid's _tf_blur of each channel.
    public func lucidBlur(_ input: Variable, kernelSize: Int = 3) throws -> Variable {
        try apply1("lucid_blur", [input], ["kernel_size": .int(kernelSize)])
    }

    /// Per-image Gram matrix F Fᵀ of the (C, H·W) features, divided as `normalize` says.
    public func gramMatrix(_ input: Variable, normalize: GramNormalization = .chw) throws -> Variable {
        try apply1("gram_matrix", [input], ["normalize": normalize.attributeValue])
    }

    /// (x − mean[c]) / std[c] per channel (torchvision's normalize).
    public func normalizeImage(_ input: Variable, mean: [Double], std: [Double]) throws -> Variable {
        try apply1("normalize_image", [input], ["mean": .doubles(mean), "std": .doubles(std)])
    }

    /// Per image x / √max(Σx², epsilon) (tf.math.l2_normalize).
    public func l2Normalize(_ input: Variable, epsilon: Double = 1e-12) throws -> Variable {
        try apply1("l2_normalize", [input], ["epsilon": .double(epsilon)])
    }

    /// Per image x / (std(x) + epsilon).
    public func stdNormalize(_ input: Variable, correction: Int = 1, epsilon: Double = 1e-9) throws -> Variable {
        try apply1("std_normalize", [input], ["correction": .int(correction), "epsilon": .double(epsilon)])
    }

    /// Per image x / (mean|x| + epsilon).
    public func meanAbsNormalize(_ input: Variable, epsilon: Double = 1e-8) throws -> Variable {
        try apply1("mean_abs_normalize", [input], ["epsilon": .double(epsilon)])
    }
}
