// adaptive_avg_pool2d and its VJP, with the semantics of
// torch.nn.functional.adaptive_avg_pool2d. torchvision's VGG uses it (as
// AdaptiveAvgPool2d((7, 7))) between its features and its classifier, so that
// the classifier accepts any input of at least 32×32.

/// The input range that output position `o` of an adaptive pool averages
/// along one axis, by PyTorch's rule for `outputSize` outputs over
/// `inputSize` inputs:
///
///     first = floor(o · in / out),  end = ceil((o + 1) · in / out)
///
/// Consecutive windows cover the input and overlap by at most one element;
/// when `out > in`, inputs repeat (the pool upsamples).
struct AdaptiveWindow: Equatable {
    let first: Int
    let end: Int

    init(output o: Int, outputSize: Int, inputSize: Int) {
        first = (o * inputSize) / outputSize
        end = ((o + 1) * inputSize + outputSize - 1) / outputSize
    }

    var length: Int { end - first }
    var range: Range<Int> { first..<end }
}

/// The validated geometry of an `adaptive_avg_pool2d` call: input `(N, C, H, W)`
/// or unbatched `(C, H, W)` with non-empty channel and spatial dimensions (the
/// batch may be 0), and an output size of one or two integers ≥ 0.
struct AdaptivePool2dGeometry {
    let planes: Int
    let inputHeight: Int
    let inputWidth: Int
    let outputHeight: Int
    let outputWidth: Int
    let inputShape: [Int]
    let outputShape: [Int]

    init(inputShape: [Int], outputSize: [Int]) throws {
        let op = "adaptive_avg_pool2d"
        let (oh, ow) = try expandPair(outputSize, "output_size", op: op, minimum: 0)
        guard inputShape.count == 3 || inputShape.count == 4 else {
            throw RefvisError("\(op): input must be (N, C, H, W) or unbatched (C, H, W), got shape \(formatShape(inputShape))")
        }
        guard inputShape.dropFirst(inputShape.count - 3).allSatisfy({ $0 >= 1 }), inputShape.allSatisfy({ $0 >= 0 }) else {
            throw RefvisError("\(op): input shape \(formatShape(inputShape)) has an empty channel or spatial dimension")
        }
        let batch = inputShape.count == 4 ? inputShape[0] : 1
        let channels = inputShape[inputShape.count - 3]
        inputHeight = inputShape[inputShape.count - 2]
        inputWidth = inputShape[inputShape.count - 1]
        outputHeight = oh
        outputWidth = ow
        planes = batch * channels
        self.inputShape = inputShape
        outputShape = Array(inputShape.dropLast(2)) + [oh, ow]
        _ = try Tensor.checkedElementCount(outputShape, context: "\(op) output")
    }

    var rows: [AdaptiveWindow] {
        (0..<outputHeight).map { AdaptiveWindow(output: $0, outputSize: outputHeight, inputSize: inputHeight) }
    }

    var columns: [AdaptiveWindow] {
        (0..<outputWidth).map { AdaptiveWindow(output: $0, outputSize: outputWidth, inputSize: inputWidth) }
    }
}

/// Adaptive 2-d average pooling, `torch.nn.functional.adaptive_avg_pool2d`:
///
///     output[n][c][oh][ow] = (Σ_{ih ∈ rows(oh), iw ∈ cols(ow)} x[n][c][ih][iw]) / kh / kw
///
/// with `rows(oh) = [floor(oh·H/OH), ceil((oh+1)·H/OH))` (see `AdaptiveWindow`),
/// `kh`, `kw` the window's height and width. The sum runs row by row, left to
/// right, and is divided by `kh` and then by `kw`, as PyTorch's CPU kernel does.
///
/// - Shapes: input `(N, C, H, W)` or `(C, H, W)`, `C, H, W ≥ 1`; `output_size`
///   one integer (square) or `(OH, OW)`, each ≥ 0; output `(N, C, OH, OW)`.
/// - Differs from PyTorch: an entry of `output_size` cannot be `None` ("keep
///   the input's size"); give that size explicitly.
public func adaptiveAvgPool2d(_ input: Tensor, outputSize: [Int]) throws -> Tensor {
    let g = try AdaptivePool2dGeometry(inputShape: input.shape, outputSize: outputSize)
    let rows = g.rows, columns = g.columns
    let result = windowSums(input.scalars, planes: g.planes, inputWidth: g.inputWidth, inputArea: g.inputHeight * g.inputWidth,
                            rows: rows.map(\.range), columns: columns.map(\.range)) { sum, oh, ow in
        sum / Double(rows[oh].length) / Double(columns[ow].length)
    }
    return Tensor(shape: g.outputShape, scalars: result)
}

/// The VJP of `adaptiveAvgPool2d` (linear in its input): each output's
/// gradient, divided by the window's `kh` and then `kw`, is added to every
/// input of its window, windows taken in output order (PyTorch's order).
///
///     grad_input[n][c][ih][iw] = Σ_{windows (oh, ow) containing (ih, iw)} grad_output[n][c][oh][ow] / kh / kw
public func adaptiveAvgPool2dBackward(_ outputGradient: Tensor, inputShape: [Int], outputSize: [Int]) throws -> Tensor {
    let g = try AdaptivePool2dGeometry(inputShape: inputShape, outputSize: outputSize)
    try outputGradient.requireShape(g.outputShape, "adaptive_avg_pool2d output gradient")
    let rows = g.rows, columns = g.columns
    let result = spreadOverWindows(outputGradient.scalars, planes: g.planes, inputWidth: g.inputWidth,
                                   inputArea: g.inputHeight * g.inputWidth,
                                   rows: rows.map(\.range), columns: columns.map(\.range)) { gradient, oh, ow in
        gradient / Double(rows[oh].length) / Double(columns[ow].length)
    }
    return Tensor(shape: g.inputShape, scalars: result)
}

extension OpRegistry {
    /// `adaptive_avg_pool2d(input; output_size)`, torch.nn.functional.adaptive_avg_pool2d.
    static let adaptiveAvgPool2dOp = OpDefinition(
        name: "adaptive_avg_pool2d",
        summary: "out[n,c,oh,ow] = mean of x over rows [floor(oh·H/OH), ceil((oh+1)·H/OH)) × the same for columns (torch.nn.functional.adaptive_avg_pool2d)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("output_size", .ints, default: nil, "one int or (OH, OW), each >= 0 (None entries are not supported)"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            [try adaptiveAvgPool2d(inputs[0], outputSize: attributes.ints("output_size"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try adaptiveAvgPool2dBackward(cotangents[0], inputShape: inputs[0].shape,
                                           outputSize: attributes.ints("output_size"))]
        },
        samples: adaptiveAvgPool2dSamples)

    /// Shrinking with overlapping windows (7 → 3, 5 → 2), exact division
    /// (6 → 3), upsampling (3 → 5, windows repeat inputs), the identity
    /// (VGG's 7 → 7 at 224×224), to a single value, and unbatched input.
    @Sendable static func adaptiveAvgPool2dSamples(_ rng: inout RandomGenerator) -> [OpSample] {
        let configs: [(String, [Int], [Int])] = [
            ("7x5 to 3x2 (overlapping windows)", [1, 2, 7, 5], [3, 2]),
            ("6x6 to 3 (exact 2x2 windows)", [2, 1, 6, 6], [3]),
            ("3x4 to 5x6 (upsampling repeats inputs)", [1, 1, 3, 4], [5, 6]),
            ("7x7 to 7 (identity, as VGG at 224)", [1, 2, 7, 7], [7]),
            ("5x4 to 1 (global average)", [2, 2, 5, 4], [1]),
            ("unbatched (C,H,W) 5x7 to (2,3)", [3, 5, 7], [2, 3]),
        ]
        return configs.map { label, shape, size in
            OpSample(label, inputs: [rng.normalTensor(shape)], attributes: ["output_size": .ints(size)])
        }
    }
}
