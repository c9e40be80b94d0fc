// Typed calls of the image-parameterization ops (Ops/Image); see
// Tape+Pointwise.swift for why the wrappers only build attributes.

extension Tape {
    /// A height×width image from a (B, C, fh, fw, 2) half spectrum scaled by
    /// 1/f^decayPower (Lucent's and Lucid's fft_image).
    public func fourierImage(_ spectrum: Variable, height: Int, width: Int, decayPower: Double = 1,
                             convention: FourierImageConvention = .lucent) throws -> Variable {
        try apply1("fourier_image", [spectrum], [
            "height": .int(height), "width": .int(width), "decay_power": .double(decayPower),
            "convention": convention.attributeValue,
        ])
    }

    /// matrix · x per pixel over dim 1 (Lucid's _linear_decorrelate_color).
    public func colorDecorrelate(_ input: Variable, _ matrix: Variable) throws -> Variable {
        try apply1("color_decorrelate", [input, matrix])
    }

    /// Every axis resized to `shape` by TF1 legacy bilinear interpolation
    /// (Lucid's resize_bilinear_nd).
    public func resizeBilinearND(_ input: Variable, shape: [Int]) throws -> Variable {
        try apply1("resize_bilinear_nd", [input], ["shape": .ints(shape)])
    }

    /// Each axis shifted forward by `offset`, the gap filled by mirroring
    /// (Lucid's lowres_tensor offset).
    public func symmetricShift(_ input: Variable, offset: [Int]) throws -> Variable {
        try apply1("symmetric_shift", [input], ["offset": .ints(offset)])
    }
}
