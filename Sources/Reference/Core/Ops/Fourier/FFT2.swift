// The complex 2-D DFT and its inverse over the last two complex axes
// (numpy.fft.fft2 / numpy.fft.ifft2, torch.fft.fft2 / torch.fft.ifft2).
// Complex tensors are real tensors with a trailing dimension of 2 holding
// (real, imaginary), as torch.view_as_real gives.

/// The complex 2-D transform with sign σ (−1 forward, +1 inverse) and its adjoint.
/// The adjoint of x ↦ M x on complex numbers, seen as a real-linear map on
/// (real, imaginary) pairs, is ȳ ↦ conj(M)ᵀ ȳ: the same transform with the
/// opposite sign and the same scale, with the crop and pad swapped.
private func complexTransform2D(_ input: Tensor, s: [Int]?, norm: FourierNorm, inverse: Bool, op: String) throws -> Tensor {
    let (batch, leading, height, width) = try FourierArguments.complexShape(input.shape, op: op)
    let (s0, s1) = try FourierArguments.lengths(s, defaults: [height, width], op: op)
    let shape = try FourierArguments.checkOutput(leading + [s0, s1, 2], op: op)
    let sign: Double = inverse ? 1 : -1
    let alongWidth = DFTMatrix(period: s1, rows: min(width, s1), columns: s1, sign: sign,
                               scale: norm.scale(length: s1, inverse: inverse))
    let alongHeight = DFTMatrix(period: s0, rows: min(height, s0), columns: s0, sign: sign,
                                scale: norm.scale(length: s0, inverse: inverse))
    let rows = DFTKernels.lastAxis(SplitComplex(interleaved: input.scalars), rows: batch * height, length: width, matrix: alongWidth)
    let result = DFTKernels.middleAxis(rows, batches: batch, length: height, inner: s1, matrix: alongHeight)
    return Tensor(shape: shape, scalars: result.interleaved)
}

private func complexTransform2DBackward(_ gradOutput: Tensor, inputShape: [Int], s: [Int]?, norm: FourierNorm,
                                        inverse: Bool, op: String) throws -> Tensor {
    let (batch, leading, height, width) = try FourierArguments.complexShape(inputShape, op: op)
    let (s0, s1) = try FourierArguments.lengths(s, defaults: [height, width], op: op)
    try gradOutput.requireShape(leading + [s0, s1, 2], "\(op) backward: output gradient")
    let adjointSign: Double = inverse ? -1 : 1
    let alongHeight = DFTMatrix(period: s0, rows: s0, columns: height, sign: adjointSign,
                                scale: norm.scale(length: s0, inverse: inverse))
    let alongWidth = DFTMatrix(period: s1, rows: s1, columns: width, sign: adjointSign,
                               scale: norm.scale(length: s1, inverse: inverse))
    let columns = DFTKernels.middleAxis(SplitComplex(interleaved: gradOutput.scalars), batches: batch, length: s0, inner: s1, matrix: alongHeight)
    let result = DFTKernels.lastAxis(columns, rows: batch * height, length: s1, matrix: alongWidth)
    return Tensor(shape: inputShape, scalars: result.interleaved)
}

/// The 2-D discrete Fourier transform over the last two complex axes:
///
///     Y[…, k, l] = c · Σ_{h<s0} Σ_{w<s1} X[…, h, w] · e^{−2πi (hk/s0 + wl/s1)}
///
/// Shapes: input (…, H, W, 2) → output (…, s0, s1, 2), with s = (s0, s1)
/// defaulting to (H, W). When s is given the input is first cropped or
/// zero-padded to it along each axis. c is 1, 1/√(s0·s1) or 1/(s0·s1) for norm
/// `backward`, `ortho`, `forward`. Matches `numpy.fft.fft2(x, s, norm=norm)` and
/// `torch.fft.fft2` on `torch.view_as_complex` input. Computed as an explicit DFT
/// (two matrix products), not an FFT: O(n²) per axis, exact twiddle factors.
public func fft2(_ input: Tensor, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    try complexTransform2D(input, s: s, norm: norm, inverse: false, op: "fft2")
}

/// The VJP of `fft2`: X̄ = c · conj(F)ᵀ Ȳ, i.e. the unscaled inverse transform
/// of the cotangent times the same c, cut back to (…, H, W, 2); entries the
/// forward zero-padded get nothing, entries it cropped get 0.
public func fft2Backward(_ gradOutput: Tensor, inputShape: [Int], s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    try complexTransform2DBackward(gradOutput, inputShape: inputShape, s: s, norm: norm, inverse: false, op: "fft2")
}

/// The inverse 2-D discrete Fourier transform over the last two complex axes:
///
///     x[…, h, w] = c · Σ_{k<s0} Σ_{l<s1} X[…, k, l] · e^{+2πi (hk/s0 + wl/s1)}
///
/// Shapes and the crop/zero-pad to s as `fft2`; c is 1/(s0·s1), 1/√(s0·s1) or 1
/// for norm `backward`, `ortho`, `forward`. Matches `numpy.fft.ifft2` and
/// `torch.fft.ifft2`.
public func ifft2(_ input: Tensor, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    try complexTransform2D(input, s: s, norm: norm, inverse: true, op: "ifft2")
}

/// The VJP of `ifft2`: the forward-signed transform of the cotangent times the
/// same c, cut back to the input's shape.
public func ifft2Backward(_ gradOutput: Tensor, inputShape: [Int], s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    try complexTransform2DBackward(gradOutput, inputShape: inputShape, s: s, norm: norm, inverse: true, op: "ifft2")
}

/// The sample configurations shared by the Fourier ops: the last two axes odd
/// and even, batched, cropped, zero-padded, crop on one axis and pad on the
/// other, every norm. `inputShape(h, w)` builds the input for an H×W signal.
func fourierSamples(_ rng: inout RandomGenerator, inputShape: ([Int], Int, Int) -> [Int],
                    cases: [(batch: [Int], h: Int, w: Int, s: [Int]?, norm: FourierNorm)]) -> [OpSample] {
    cases.map { c in
        var attributes: [String: AttributeValue] = ["norm": c.norm.attributeValue]
        if let s = c.s { attributes["s"] = .ints(s) }
        let shape = inputShape(c.batch, c.h, c.w)
        return OpSample("input=\(formatShape(shape)) s=\(c.s.map { "\(AttributeValue.ints($0))" } ?? "none") norm=\(c.norm.rawValue)",
                        inputs: [rng.normalTensor(shape)], attributes: attributes)
    }
}

private func complexTransformOp(_ name: String, _ summary: String, inverse: Bool) -> OpDefinition {
    OpDefinition(
        name: name, summary: summary, inputs: [OpInput("input")],
        attributes: FourierArguments.attributes,
        linearIn: ["input"],
        forward: { inputs, attributes in
            let (s, norm) = try FourierArguments.read(attributes)
            return [try complexTransform2D(inputs[0], s: s, norm: norm, inverse: inverse, op: name)]
        },
        vjp: { inputs, _, cotangents, attributes in
            let (s, norm) = try FourierArguments.read(attributes)
            return [try complexTransform2DBackward(cotangents[0], inputShape: inputs[0].shape, s: s, norm: norm,
                                                   inverse: inverse, op: name)]
        },
        samples: { rng in
            fourierSamples(&rng, inputShape: { $0 + [$1, $2, 2] }, cases: [
                ([], 3, 4, nil, .backward),
                ([2], 4, 5, nil, .ortho),
                ([2, 1], 2, 3, nil, .forward),
                ([], 5, 4, [3, 2], .backward),     // crop both axes
                ([], 3, 2, [4, 5], .ortho),        // zero-pad both axes
                ([2], 4, 3, [2, 6], .forward),     // crop H, pad W
                ([], 1, 1, [2, 3], .backward),     // a single entry spread over a larger grid
            ])
        })
}

extension OpRegistry {
    static let fft2Ops: [OpDefinition] = [
        complexTransformOp("fft2", "Y[k,l] = c sum_hw X[h,w] exp(-2pi i (hk/s0 + wl/s1)) over the last two complex dims (..., H, W, 2) (numpy.fft.fft2, torch.fft.fft2)",
                           inverse: false),
        complexTransformOp("ifft2", "x[h,w] = c sum_kl X[k,l] exp(+2pi i (hk/s0 + wl/s1)) over the last two complex dims (..., H, W, 2) (numpy.fft.ifft2, torch.fft.ifft2)",
                           inverse: true),
    ]
}
