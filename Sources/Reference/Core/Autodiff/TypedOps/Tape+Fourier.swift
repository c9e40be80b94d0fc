// Typed calls of the 2-D discrete Fourier transforms (Ops/Fourier); see
// Tape+Pointwise.swift for why the wrappers only build attributes. Complex
// tensors end in a dimension of 2 (real, imaginary); `s` nil keeps the input's size.

extension Tape {
    /// The forward complex transform of the last two complex dims (torch.fft.fft2).
    public func fft2(_ input: Variable, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Variable {
        try fourierTransform("fft2", input, s: s, norm: norm)
    }

    /// The inverse complex transform (torch.fft.ifft2).
    public func ifft2(_ input: Variable, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Variable {
        try fourierTransform("ifft2", input, s: s, norm: norm)
    }

    /// The half spectrum of a real signal (torch.fft.rfft2).
    public func rfft2(_ input: Variable, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Variable {
        try fourierTransform("rfft2", input, s: s, norm: norm)
    }

    /// The real signal of a half spectrum (torch.fft.irfft2).
    public func irfft2(_ input: Variable, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Variable {
        try fourierTransform("irfft2", input, s: s, norm: norm)
    }

    private func fourierTransform(_ op: String, _ input: Variable, s: [Int]?, norm: FourierNorm) throws -> Variable {
        try apply1(op, [input], ["s": s.map(AttributeValue.ints) ?? .null, "norm": norm.attributeValue])
    }
}
