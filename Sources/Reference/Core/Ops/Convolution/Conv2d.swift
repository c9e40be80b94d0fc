// conv2d and its VJP, with the semantics of torch.nn.functional.conv2d.
// The loops live in Conv2dKernels.swift; this file states what they compute.

/// 2-d convolution as PyTorch defines it (a cross-correlation: the kernel is
/// not flipped), `torch.nn.functional.conv2d`.
///
///     output[n][o][oh][ow] = bias[o] + Σ_{c < C/groups} Σ_{kh, kw}
///         weight[o][c][kh][kw] · x[n][g·C/groups + c][oh·sH − pH + kh·dH][ow·sW − pW + kw·dW]
///
/// where `g = o / (O/groups)` is the group of output channel `o` and `x` is
/// zero outside the input (implicit zero padding).
///
/// - Shapes: `input` `(N, C, H, W)` or unbatched `(C, H, W)`; `weight`
///   `(O, C/groups, kH, kW)`; `bias` `(O,)` or nil. The output is
///   `(N, O, OH, OW)` (or `(O, OH, OW)` for an unbatched input) with
///   `OH = floor((H + 2pH − dH(kH − 1) − 1) / sH) + 1`, and likewise `OW`.
/// - `stride`, `padding`, `dilation`: one integer or an `(h, w)` pair.
///   PyTorch's string paddings ('valid', 'same') are not supported; 'valid'
///   is `padding: [0]`.
/// - Throws a `RefvisError` for wrong ranks, channel counts that do not
///   match `groups`, stride/dilation < 1, padding < 0, or an output smaller
///   than 1×1.
/// - Sums run in a fixed order (see `Conv2dKernels`), so the result does not
///   depend on the thread count; it may differ from PyTorch's in the last bits.
public func conv2d(_ input: Tensor, _ weight: Tensor, bias: Tensor? = nil,
                   stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
    let g = try Conv2dGeometry(inputShape: input.shape, weightShape: weight.shape,
                               stride: stride, padding: padding, dilation: dilation, groups: groups)
    if let bias { try bias.requireShape([g.outChannels], "conv2d bias") }
    let scalars = Conv2dKernels.forward(input: input.scalars, weight: weight.scalars, bias: bias?.scalars, g)
    return Tensor(shape: g.outputShape, scalars: scalars)
}

/// The gradients of `conv2d` with respect to each of its inputs.
public struct Conv2dGradients: Sendable, Equatable {
    public var input: Tensor
    public var weight: Tensor
    /// nil when the forward call had no bias.
    public var bias: Tensor?

    public init(input: Tensor, weight: Tensor, bias: Tensor?) {
        self.input = input
        self.weight = weight
        self.bias = bias
    }
}

/// The VJP of `conv2d`: given `outputGradient` ḡ (the output's shape),
///
///     input_grad[n][c][ih][iw]  = Σ_o Σ_kh Σ_kw weight[o][c'][kh][kw] · ḡ[n][o][oh][ow]
///                                  over oh·sH − pH + kh·dH = ih, ow·sW − pW + kw·dW = iw
///                                  (o in the group of c, c' = c mod C/groups) — a transposed convolution;
///     weight_grad[o][c][kh][kw] = Σ_n Σ_oh Σ_ow ḡ[n][o][oh][ow] · x[n][g·C/groups + c][oh·sH − pH + kh·dH][ow·sW − pW + kw·dW];
///     bias_grad[o]              = Σ_n Σ_oh Σ_ow ḡ[n][o][oh][ow].
///
/// Input positions that no window reaches (the right/bottom remainder when
/// the stride does not divide evenly) get gradient 0, as in PyTorch.
/// `withBias` says whether to compute the bias gradient.
public func conv2dBackward(_ outputGradient: Tensor, input: Tensor, weight: Tensor, withBias: Bool,
                           stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1],
                           groups: Int = 1) throws -> Conv2dGradients {
    let g = try Conv2dGeometry(inputShape: input.shape, weightShape: weight.shape,
                               stride: stride, padding: padding, dilation: dilation, groups: groups)
    try outputGradient.requireShape(g.outputShape, "conv2d output gradient")
    try Conv2dKernels.checkInputGradientWorkspace(g)
    let inputGradient = Conv2dKernels.inputGradient(outputGradient: outputGradient.scalars, weight: weight.scalars, g)
    let weightGradient = Conv2dKernels.weightGradient(outputGradient: outputGradient.scalars, input: input.scalars, g)
    let biasGradient = withBias ? Conv2dKernels.biasGradient(outputGradient: outputGradient.scalars, g) : nil
    return Conv2dGradients(input: Tensor(shape: g.inputShape, scalars: inputGradient),
                           weight: Tensor(shape: g.weightShape, scalars: weightGradient),
                           bias: biasGradient.map { Tensor(shape: [g.outChannels], scalars: $0) })
}

/// Only the input part of `conv2dBackward` (the transposed convolution of
/// `outputGradient` with `weight`), for callers that need no weight gradient.
public func conv2dInputGradient(_ outputGradient: Tensor, weight: Tensor, inputShape: [Int],
                                stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1],
                                groups: Int = 1) throws -> Tensor {
    let g = try Conv2dGeometry(inputShape: inputShape, weightShape: weight.shape,
                               stride: stride, padding: padding, dilation: dilation, groups: groups)
    try outputGradient.requireShape(g.outputShape, "conv2d output gradient")
    try Conv2dKernels.checkInputGradientWorkspace(g)
    let scalars = Conv2dKernels.inputGradient(outputGradient: outputGradient.scalars, weight: weight.scalars, g)
    return Tensor(shape: g.inputShape, scalars: scalars)
}

/// Only the weight part of `conv2dBackward`.
public func conv2dWeightGradient(_ outputGradient: Tensor, input: Tensor, weightShape: [Int],
                                 stride: [Int] = [1], padding: [Int] = [0], dilation: [Int] = [1],
                                 groups: Int = 1) throws -> Tensor {
    let g = try Conv2dGeometry(inputShape: input.shape, weightShape: weightShape,
                               stride: stride, padding: padding, dilation: dilation, groups: groups)
    try outputGradient.requireShape(g.outputShape, "conv2d output gradient")
    let scalars = Conv2dKernels.weightGradient(outputGradient: outputGradient.scalars, input: input.scalars, g)
    return Tensor(shape: g.weightShape, scalars: scalars)
}
