// max_pool2d and its VJP, with the semantics of torch.nn.functional.max_pool2d.

/// The maximum of each window and where it was found.
struct MaxPoolArgmax {
    /// The pooled values, shape of the output.
    var values: [Double]
    /// For each output element, the flat index within its input plane
    /// (`ih·W + iw`) of the element chosen, or −1 for an empty window.
    var indices: [Int]
}

/// Computes the max and argmax of every window. Windows are scanned row by
/// row, left to right, over the taps that fall inside the input (padding is
/// −∞ and never chosen); the result is what PyTorch's CPU rule gives — a
/// value replaces the running max when it is greater or NaN, starting from
/// −∞ at the first tap — so ties keep the first maximum in scan order and a
/// NaN wins (the last NaN, if several).
func maxPool2dArgmax(_ input: [Double], _ g: Pool2dGeometry) -> MaxPoolArgmax {
    let (h, w) = (g.height, g.width)
    let inArea = h.inputSize * w.inputSize
    let outArea = h.outputSize * w.outputSize
    var values = [Double](repeating: 0, count: g.planes * outArea)
    var indices = [Int](repeating: -1, count: g.planes * outArea)
    if values.isEmpty { return MaxPoolArgmax(values: values, indices: indices) }
    input.withUnsafeBufferPointer { inBuffer in
        values.withUnsafeMutableBufferPointer { valueBuffer in
            indices.withUnsafeMutableBufferPointer { indexBuffer in
                let source = SharedInput(inBuffer)
                let valueOut = SharedOutput(valueBuffer)
                let indexOut = SharedOutput(indexBuffer)
                Parallel.forEach(g.planes) { plane in
                    let x = source.base + plane * inArea
                    let columns = (0..<w.outputSize).map { validTaps(w, $0) }
                    for oh in 0..<h.outputSize {
                        let rows = validTaps(h, oh)
                        for ow in 0..<w.outputSize {
                            let (best, bestIndex) = windowMaximum(x, rows: rows, columns: columns[ow], width: w.inputSize)
                            let o = plane * outArea + oh * w.outputSize + ow
                            valueOut.base[o] = best
                            indexOut.base[o] = bestIndex
                        }
                    }
                }
            }
        }
    }
    return MaxPoolArgmax(values: values, indices: indices)
}

/// The maximum of one window and its flat index, by the scan rule of
/// `maxPool2dArgmax`. Found in two passes — the value (branch-free, so an
/// unpredictable winner costs no mispredictions), then the first position
/// holding it — which gives the same answer as PyTorch's single pass:
/// without NaN, the first maximum; with NaN, the last NaN. An empty window
/// gives (−∞, −1).
@inline(__always)
func windowMaximum(_ x: UnsafePointer<Double>, rows: PoolingTaps, columns: PoolingTaps, width: Int) -> (Double, Int) {
    if rows.isEmpty || columns.isEmpty { return (-.infinity, -1) }
    var best = -Double.infinity
    var sawNaN = false
    var ih = rows.first
    while ih < rows.end {
        var iw = columns.first
        while iw < columns.end {
            let v = x[ih * width + iw]
            best = v > best ? v : best
            if v.isNaN { sawNaN = true }  // rare: a well-predicted branch
            iw += columns.step
        }
        ih += rows.step
    }
    var found = rows.first * width + columns.first  // PyTorch's initial index: the first tap
    ih = rows.first
    scan: while ih < rows.end {
        var iw = columns.first
        while iw < columns.end {
            let v = x[ih * width + iw]
            if sawNaN ? v.isNaN : v == best {
                found = ih * width + iw
                if !sawNaN { break scan }
            }
            iw += columns.step
        }
        ih += rows.step
    }
    return (sawNaN ? x[found] : best, found)
}

/// The input positions of one window along one axis that lie inside the
/// input: `first, first + step, …` below `end`.
struct PoolingTaps {
    let first: Int
    let end: Int
    let step: Int

    var isEmpty: Bool { first >= end }
}

/// The taps `o·s − p + k·d` of window `o` that fall inside the input.
func validTaps(_ axis: PoolingAxis, _ o: Int) -> PoolingTaps {
    var first = axis.windowStart(o)
    let end = min(first + axis.effectiveKernel, axis.inputSize)
    if first < 0 {
        // Skip the taps that fall in the left padding.
        first += ((-first + axis.dilation - 1) / axis.dilation) * axis.dilation
    }
    return PoolingTaps(first: first, end: end, step: axis.dilation)
}

/// 2-d max pooling, `torch.nn.functional.max_pool2d`:
///
///     output[n][c][oh][ow] = max_{kh, kw} x[n][c][oh·sH − pH + kh·dH][ow·sW − pW + kw·dW]
///
/// over the taps inside the input (implicit −∞ padding).
///
/// - Shapes: `input` `(N, C, H, W)` or `(C, H, W)`; output `(N, C, OH, OW)`
///   with `OH = floor((H + 2pH − dH(kH − 1) − 1 + (ceil_mode ? sH − 1 : 0)) / sH) + 1`,
///   reduced by one in ceil mode when the last window would start past the
///   input and its left padding (PyTorch's rule; see `PoolingAxis.outputSize`).
/// - `kernelSize`, `stride` (nil: equal to `kernelSize`), `padding`,
///   `dilation`: one integer or an `(h, w)` pair. Padding must be at most
///   half of the kernel size k (not of the dilated kernel), as PyTorch checks.
/// - Ties: the first maximum in row-major window order wins; a NaN wins
///   (PyTorch's CPU rule). `return_indices` is not supported.
/// - A window whose taps all fall in padding (possible only with dilation)
///   gives −∞ and passes no gradient.
public func maxPool2d(_ input: Tensor, kernelSize: [Int], stride: [Int]? = nil, padding: [Int] = [0],
                      dilation: [Int] = [1], ceilMode: Bool = false) throws -> Tensor {
    let g = try Pool2dGeometry(op: "max_pool2d", inputShape: input.shape, kernelSize: kernelSize, stride: stride,
                               padding: padding, dilation: dilation, ceilMode: ceilMode)
    return Tensor(shape: g.outputShape, scalars: maxPool2dArgmax(input.scalars, g).values)
}

/// The VJP of `maxPool2d`: each output's gradient goes to the input element
/// that was its maximum (the argmax as `maxPool2d` chooses it, recomputed
/// here); elements chosen by several overlapping windows receive the sum,
/// added in output order.
///
///     grad_input[n][c][ih][iw] = Σ_{(oh, ow): argmax(oh, ow) = (ih, iw)} grad_output[n][c][oh][ow]
public func maxPool2dBackward(_ outputGradient: Tensor, input: Tensor, kernelSize: [Int], stride: [Int]? = nil,
                              padding: [Int] = [0], dilation: [Int] = [1], ceilMode: Bool = false) throws -> Tensor {
    let g = try Pool2dGeometry(op: "max_pool2d", inputShape: input.shape, kernelSize: kernelSize, stride: stride,
                               padding: padding, dilation: dilation, ceilMode: ceilMode)
    try outputGradient.requireShape(g.outputShape, "max_pool2d output gradient")
    let indices = maxPool2dArgmax(input.scalars, g).indices
    let inArea = g.height.inputSize * g.width.inputSize
    let outArea = g.height.outputSize * g.width.outputSize
    var result = [Double](repeating: 0, count: input.count)
    if result.isEmpty { return Tensor(shape: input.shape, scalars: result) }
    outputGradient.scalars.withUnsafeBufferPointer { gBuffer in
        indices.withUnsafeBufferPointer { indexBuffer in
            result.withUnsafeMutableBufferPointer { resultBuffer in
                let gradient = SharedInput(gBuffer)
                let chosen = SharedInput(indexBuffer)
                let out = SharedOutput(resultBuffer)
                Parallel.forEach(g.planes) { plane in
                    let destination = out.base + plane * inArea
                    for o in (plane * outArea)..<((plane + 1) * outArea) {
                        let index = chosen.base[o]
                        if index >= 0 { destination[index] += gradient.base[o] }
                    }
                }
            }
        }
    }
    return Tensor(shape: input.shape, scalars: result)
}
