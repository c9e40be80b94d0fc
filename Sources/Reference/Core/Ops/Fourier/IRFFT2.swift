// The inverse of rfft2: a half spectrum along the last axis back to a real
// array (numpy.fft.irfft2, torch.fft.irfft2).

/// The matrix of the inverse real DFT along the last axis of an s1-point output
/// from the first `used` half-spectrum columns, with the norm's scale c₁ and the
/// Hermitian weights: rows l (frequency), columns w (output position),
/// M[l, w] = c₁·a_l·e^{+2πi lw/s1}, a_l = 1 for DC and Nyquist, 2 otherwise;
/// the imaginary part of the DC and Nyquist rows is exactly 0, so the imaginary
/// parts of those columns of the input are ignored.
private func inverseRealMatrix(used: Int, s1: Int, scale: Double) -> DFTMatrix {
    var matrix = DFTMatrix(period: s1, rows: used, columns: s1, sign: 1, scale: scale,
                           rowWeights: hermitianWeights(count: used, length: s1))
    for l in 0..<used where isSelfConjugate(l, length: s1) { matrix.zeroImaginary(row: l) }
    return matrix
}

/// The inverse 2-D DFT of a spectrum that is half along the last axis, giving a real array:
///
///     Z[…, h, l] = c₀ · Σ_{k<s0} X[…, k, l] · e^{+2πi hk/s0}                      (complex, first axis)
///     x[…, h, w] = c₁ · Σ_{l<L} a_l · (Re Z[h, l]·cos(2πlw/s1) − Im Z[h, l]·sin(2πlw/s1))
///
/// with L = s1/2 + 1 and a_l = 1 for l = 0 and (s1 even) l = s1/2, 2 otherwise:
/// the real part of the inverse DFT of the Hermitian extension Z[h, s1−l] = conj Z[h, l].
/// The imaginary parts of Z's DC column and (s1 even) Nyquist column are ignored,
/// as a real signal cannot have them; on the input X this means the imaginary
/// parts of X[0, 0], X[0, s1/2], and for even s0 X[s0/2, 0], X[s0/2, s1/2], never
/// matter (for finite values: a nan there still makes the output nan, 0·nan, as
/// NumPy 2 does), while the others in those columns pair up along the first axis.
///
/// Shapes: input (…, H, Wc, 2) (complex as torch.view_as_real) → output (…, s0, s1),
/// s = (s0, s1) defaulting to (H, 2·(Wc − 1)) (so an odd width needs s). The input is
/// cropped or zero-padded to s0 rows and to s1/2 + 1 columns. c₀·c₁ is 1/(s0·s1),
/// 1/√(s0·s1) or 1 for norm `backward`, `ortho`, `forward`. Matches
/// `numpy.fft.irfft2(X, s, norm=norm)` (a complex inverse along the first axis, then
/// `irfft` along the last) and `torch.fft.irfft2`, odd and even s1.
public func irfft2(_ input: Tensor, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    let op = "irfft2"
    let (batch, leading, height, columns) = try FourierArguments.complexShape(input.shape, op: op)
    let (s0, s1) = try FourierArguments.lengths(s, defaults: [height, 2 * (columns - 1)], op: op)
    let shape = try FourierArguments.checkOutput(leading + [s0, s1], op: op)
    let used = min(columns, s1 / 2 + 1)
    let alongHeight = DFTMatrix(period: s0, rows: min(height, s0), columns: s0, sign: 1,
                                scale: norm.scale(length: s0, inverse: true))
    let alongWidth = inverseRealMatrix(used: used, s1: s1, scale: norm.scale(length: s1, inverse: true))
    let z = DFTKernels.middleAxis(SplitComplex(interleaved: input.scalars), batches: batch, length: height,
                                  inner: columns, matrix: alongHeight)
    let result = DFTKernels.lastAxisToReal(z, rows: batch * s0, length: columns, matrix: alongWidth)
    return Tensor(shape: shape, scalars: result)
}

/// The VJP of `irfft2`. NOT simply rfft2 of the cotangent: along the last axis,
///
///     Re Ẑ[h, l] =  c₁·a_l · Σ_w x̄[h, w]·cos(2πlw/s1)
///     Im Ẑ[h, l] = −c₁·a_l · Σ_w x̄[h, w]·sin(2πlw/s1)      (0 for DC and Nyquist, which were ignored)
///
/// for l < min(Wc, s1/2 + 1) — the interior columns carry the Hermitian weight a_l = 2
/// because each appears twice in the extension — and Ẑ = 0 on columns the forward
/// cropped; then the adjoint of the first-axis inverse: X̄ = c₀·(e^{−2πi hk/s0})ᵀ Ẑ,
/// cut back to H rows (0 for rows the forward cropped).
public func irfft2Backward(_ gradOutput: Tensor, inputShape: [Int], s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    let op = "irfft2"
    let (batch, leading, height, columns) = try FourierArguments.complexShape(inputShape, op: op)
    let (s0, s1) = try FourierArguments.lengths(s, defaults: [height, 2 * (columns - 1)], op: op)
    try gradOutput.requireShape(leading + [s0, s1], "\(op) backward: output gradient")
    let used = min(columns, s1 / 2 + 1)
    // The conjugate transpose of the forward's last-axis matrix, widened to all Wc
    // columns with zero weight on the ones the forward never read.
    let weights = hermitianWeights(count: used, length: s1) + Array(repeating: 0, count: columns - used)
    var alongWidth = DFTMatrix(period: s1, rows: s1, columns: columns, sign: -1,
                               scale: norm.scale(length: s1, inverse: true), columnWeights: weights)
    for l in 0..<used where isSelfConjugate(l, length: s1) { alongWidth.zeroImaginary(column: l) }
    let alongHeight = DFTMatrix(period: s0, rows: s0, columns: height, sign: -1,
                                scale: norm.scale(length: s0, inverse: true))
    let z = DFTKernels.lastAxis(real: gradOutput.scalars, rows: batch * s0, length: s1, matrix: alongWidth)
    let result = DFTKernels.middleAxis(z, batches: batch, length: s0, inner: columns, matrix: alongHeight)
    return Tensor(shape: inputShape, scalars: result.interleaved)
}

extension OpRegistry {
    static let irfft2Ops: [OpDefinition] = [
        OpDefinition(
            name: "irfft2",
            summary: "inverse of rfft2: complex (..., H, Wc, 2) -> real (..., s0, s1), s default (H, 2(Wc-1)); Hermitian half spectrum, imaginary DC/Nyquist ignored (numpy.fft.irfft2, torch.fft.irfft2)",
            inputs: [OpInput("input")],
            attributes: FourierArguments.attributes,
            linearIn: ["input"],
            forward: { inputs, attributes in
                let (s, norm) = try FourierArguments.read(attributes)
                return [try irfft2(inputs[0], s: s, norm: norm)]
            },
            vjp: { inputs, _, cotangents, attributes in
                let (s, norm) = try FourierArguments.read(attributes)
                return [try irfft2Backward(cotangents[0], inputShape: inputs[0].shape, s: s, norm: norm)]
            },
            samples: { rng in
                fourierSamples(&rng, inputShape: { $0 + [$1, $2, 2] }, cases: [
                    ([], 4, 3, nil, .backward),       // default s = (4, 4): even, a Nyquist column
                    ([2], 3, 4, nil, .ortho),         // default s = (3, 6)
                    ([], 4, 3, [4, 5], .backward),    // odd s1 from the same half spectrum
                    ([2, 1], 3, 4, [3, 7], .forward), // odd s1, exactly s1/2 + 1 columns
                    ([], 5, 4, [3, 4], .ortho),       // crop both axes (even s1)
                    ([], 2, 2, [4, 8], .backward),    // zero-pad both axes: no Nyquist column present
                    ([], 3, 3, [2, 3], .forward),     // crop H, odd s1
                    ([], 3, 1, [3, 1], .backward),    // a single column: s1 = 1
                    ([], 3, 2, [3, 2], .ortho),       // s1 = 2: DC and Nyquist only
                ])
            }),
    ]
}
