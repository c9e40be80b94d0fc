// The 2-D DFT of a real signal, keeping the non-negative frequencies of the
// last axis (numpy.fft.rfft2, torch.fft.rfft2).

/// The 2-D DFT of a real array over its last two axes, half spectrum along the last:
///
///     Y[…, k, l] = c · Σ_{h<s0} Σ_{w<s1} x[…, h, w] · e^{−2πi (hk/s0 + wl/s1)},  l = 0 … s1/2
///
/// Shapes: input (…, H, W) → output (…, s0, s1/2 + 1, 2) (complex as
/// torch.view_as_real), s = (s0, s1) defaulting to (H, W); with s the input is
/// first cropped or zero-padded to it. c is 1, 1/√(s0·s1) or 1/(s0·s1) for norm
/// `backward`, `ortho`, `forward`. Matches `numpy.fft.rfft2(x, s, norm=norm)` and
/// `torch.fft.rfft2`. The last axis is transformed first (real → complex), then
/// the first (complex → complex).
public func rfft2(_ input: Tensor, s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    let op = "rfft2"
    let (batch, leading, height, width) = try FourierArguments.realShape(input.shape, op: op)
    let (s0, s1) = try FourierArguments.lengths(s, defaults: [height, width], op: op)
    let half = s1 / 2 + 1
    let shape = try FourierArguments.checkOutput(leading + [s0, half, 2], op: op)
    let alongWidth = DFTMatrix(period: s1, rows: min(width, s1), columns: half, sign: -1,
                               scale: norm.scale(length: s1, inverse: false))
    let alongHeight = DFTMatrix(period: s0, rows: min(height, s0), columns: s0, sign: -1,
                                scale: norm.scale(length: s0, inverse: false))
    let rows = DFTKernels.lastAxis(real: input.scalars, rows: batch * height, length: width, matrix: alongWidth)
    let result = DFTKernels.middleAxis(rows, batches: batch, length: height, inner: half, matrix: alongHeight)
    return Tensor(shape: shape, scalars: result.interleaved)
}

/// The VJP of `rfft2`. With Ŷ the cotangent after the adjoint of the first-axis
/// transform (the +i-signed DFT along the first axis times the same c₀),
///
///     x̄[…, h, w] = c₁ · Σ_{l ≤ s1/2} (Re Ŷ[h, l]·cos(2πwl/s1) − Im Ŷ[h, l]·sin(2πwl/s1))
///
/// i.e. Re(c₁ Σ_l e^{+2πi wl/s1} Ŷ[h, l]) — each half-spectrum entry counted
/// once, with no Hermitian doubling: the forward keeps each of those columns
/// once, so its transpose does too. Cropped input entries get 0.
public func rfft2Backward(_ gradOutput: Tensor, inputShape: [Int], s: [Int]? = nil, norm: FourierNorm = .backward) throws -> Tensor {
    let op = "rfft2"
    let (batch, leading, height, width) = try FourierArguments.realShape(inputShape, op: op)
    let (s0, s1) = try FourierArguments.lengths(s, defaults: [height, width], op: op)
    let half = s1 / 2 + 1
    try gradOutput.requireShape(leading + [s0, half, 2], "\(op) backward: output gradient")
    let alongHeight = DFTMatrix(period: s0, rows: s0, columns: height, sign: 1,
                                scale: norm.scale(length: s0, inverse: false))
    let alongWidth = DFTMatrix(period: s1, rows: half, columns: width, sign: 1,
                               scale: norm.scale(length: s1, inverse: false))
    let columns = DFTKernels.middleAxis(SplitComplex(interleaved: gradOutput.scalars), batches: batch, length: s0,
                                        inner: half, matrix: alongHeight)
    let result = DFTKernels.lastAxisToReal(columns, rows: batch * height, length: half, matrix: alongWidth)
    return Tensor(shape: inputShape, scalars: result)
}

extension OpRegistry {
    static let rfft2Ops: [OpDefinition] = [
        OpDefinition(
            name: "rfft2",
            summary: "Y[k,l] = c sum_hw x[h,w] exp(-2pi i (hk/s0 + wl/s1)), l <= s1/2: real (..., H, W) -> complex (..., s0, s1//2+1, 2) (numpy.fft.rfft2, torch.fft.rfft2)",
            inputs: [OpInput("input")],
            attributes: FourierArguments.attributes,
            linearIn: ["input"],
            forward: { inputs, attributes in
                let (s, norm) = try FourierArguments.read(attributes)
                return [try rfft2(inputs[0], s: s, norm: norm)]
            },
            vjp: { inputs, _, cotangents, attributes in
                let (s, norm) = try FourierArguments.read(attributes)
                return [try rfft2Backward(cotangents[0], inputShape: inputs[0].shape, s: s, norm: norm)]
            },
            samples: { rng in
                fourierSamples(&rng, inputShape: { $0 + [$1, $2] }, cases: [
                    ([], 4, 6, nil, .backward),       // even width: a Nyquist column
                    ([], 3, 5, nil, .ortho),          // odd width
                    ([2, 1], 3, 4, nil, .forward),
                    ([2], 5, 7, [3, 4], .backward),   // crop both axes
                    ([], 3, 4, [5, 7], .ortho),       // zero-pad both axes, odd s1
                    ([], 4, 3, [2, 6], .forward),     // crop H, pad W to even s1
                    ([], 2, 1, [2, 1], .backward),    // width 1: only the DC column
                ])
            }),
    ]
}
