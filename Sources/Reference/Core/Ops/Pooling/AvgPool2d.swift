// avg_pool2d and its VJP, with the semantics of torch.nn.functional.avg_pool2d.

/// One window of average pooling along one axis, by PyTorch's rule: the
/// window `[o·s − p, o·s − p + k)` is first clipped to the padded input
/// `[−p, size + p)` — that length counts toward the divisor when padding is
/// included — and then to the input itself, `[first, end)`, which is summed.
/// The first clip only matters in ceil mode, where the last window may hang
/// past the right padding; that overhang never counts.
struct AveragingWindow {
    let first: Int
    let end: Int
    /// The window's length within the padded input.
    let lengthWithPadding: Int

    init(_ axis: PoolingAxis, _ o: Int) {
        let start = axis.windowStart(o)
        let paddedEnd = min(start + axis.kernel, axis.inputSize + axis.padding)
        lengthWithPadding = paddedEnd - start
        first = max(start, 0)
        end = min(paddedEnd, axis.inputSize)
    }

    /// The number of input elements in the window.
    var length: Int { max(end - first, 0) }

    /// The input indices of the window (empty when it lies in the padding).
    var inputRange: Range<Int> { first..<max(end, first) }
}

/// The resolved options of an avg_pool2d call.
public struct AvgPool2dOptions: Sendable, Equatable {
    public var countIncludePad: Bool
    public var divisorOverride: Int?

    public init(countIncludePad: Bool = true, divisorOverride: Int? = nil) {
        self.countIncludePad = countIncludePad
        self.divisorOverride = divisorOverride
    }

    /// The number window `(oh, ow)` is divided by.
    func divisor(_ rows: AveragingWindow, _ columns: AveragingWindow) -> Double {
        if let divisorOverride { return Double(divisorOverride) }
        if countIncludePad { return Double(rows.lengthWithPadding * columns.lengthWithPadding) }
        return Double(rows.length * columns.length)
    }
}

/// 2-d average pooling, `torch.nn.functional.avg_pool2d`:
///
///     output[n][c][oh][ow] = (Σ_{ih, iw in window} x[n][c][ih][iw]) / divisor
///
/// where the window is rows `[oh·sH − pH, oh·sH − pH + kH)` × columns
/// likewise, intersected with the input (padding adds zeros), and
/// - `divisor = divisor_override` when given (must not be 0), else
/// - with `count_include_pad` (the default): the window's area within the
///   padded input — padding counts, but in ceil mode the part of the last
///   window that hangs past the right/bottom padding does not;
/// - without it: the number of input elements in the window.
///
/// The sum runs row by row, left to right, and is then divided, as PyTorch's
/// CPU kernel does. Output size as `maxPool2d` with dilation 1; padding must
/// be at most half the kernel size. A window with no input elements (not
/// possible under these rules) would give 0.
public func avgPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                      ceilMode: Bool = false, countIncludePad: Bool = true, divisorOverride: Int? = nil) throws -> Tensor {
    let g = try Pool2dGeometry(op: "avg_pool2d", inputShape: input.shape, kernelSize: kernelSize, stride: stride,
                               padding: padding, ceilMode: ceilMode)
    let options = try avgPoolOptions(countIncludePad, divisorOverride)
    let (h, w) = (g.height, g.width)
    let rows = (0..<h.outputSize).map { AveragingWindow(h, $0) }
    let columns = (0..<w.outputSize).map { AveragingWindow(w, $0) }
    let result = windowSums(input.scalars, planes: g.planes, inputWidth: w.inputSize, inputArea: h.inputSize * w.inputSize,
                            rows: rows.map(\.inputRange), columns: columns.map(\.inputRange)) { sum, oh, ow in
        let (r, c) = (rows[oh], columns[ow])
        return r.length == 0 || c.length == 0 ? 0 : sum / options.divisor(r, c)
    }
    return Tensor(shape: g.outputShape, scalars: result)
}

/// The VJP of `avgPool2d` (which is linear in its input): each output's
/// gradient, divided by that window's divisor, is added to every input
/// element of the window, windows taken in output order (PyTorch's order).
///
///     grad_input[n][c][ih][iw] = Σ_{windows (oh, ow) containing (ih, iw)} grad_output[n][c][oh][ow] / divisor(oh, ow)
public func avgPool2dBackward(_ outputGradient: Tensor, inputShape: [Int], kernelSize: [Int], stride: [Int]? = nil,
                              padding: [Int] = [0], ceilMode: Bool = false, countIncludePad: Bool = true,
                              divisorOverride: Int? = nil) throws -> Tensor {
    let g = try Pool2dGeometry(op: "avg_pool2d", inputShape: inputShape, kernelSize: kernelSize, stride: stride,
                               padding: padding, ceilMode: ceilMode)
    let options = try avgPoolOptions(countIncludePad, divisorOverride)
    try outputGradient.requireShape(g.outputShape, "avg_pool2d output gradient")
    let (h, w) = (g.height, g.width)
    let rows = (0..<h.outputSize).map { AveragingWindow(h, $0) }
    let columns = (0..<w.outputSize).map { AveragingWindow(w, $0) }
    let result = spreadOverWindows(outputGradient.scalars, planes: g.planes, inputWidth: w.inputSize,
                                   inputArea: h.inputSize * w.inputSize,
                                   rows: rows.map(\.inputRange), columns: columns.map(\.inputRange)) { gradient, oh, ow in
        let (r, c) = (rows[oh], columns[ow])
        return r.length == 0 || c.length == 0 ? nil : gradient / options.divisor(r, c)
    }
    return Tensor(shape: g.inputShape, scalars: result)
}

private func avgPoolOptions(_ countIncludePad: Bool, _ divisorOverride: Int?) throws -> AvgPool2dOptions {
    if divisorOverride == 0 {
        throw RefvisError.usage("avg_pool2d: divisor_override must not be zero")
    }
    return AvgPool2dOptions(countIncludePad: countIncludePad, divisorOverride: divisorOverride)
}
