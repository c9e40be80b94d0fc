// torch.nn.functional.pad: constant, reflect, replicate and circular padding,
// with negative pads cropping. Forward is a gather (each output element copies
// one input element or is the constant), the VJP the matching scatter-add.

/// The padding modes of `torch.nn.functional.pad`.
public enum PadMode: String, AttributeChoice {
    /// Out-of-range positions hold `value`: `v v | a b c d | v v`.
    case constant
    /// Mirror about the edge element, without repeating it: `c b | a b c d | c b`.
    case reflect
    /// Repeat the edge element: `a a | a b c d | d d`.
    case replicate
    /// Wrap around: `c d | a b c d | a b`.
    case circular
}

/// The validated geometry of one `pad` call: for each input axis, its pads
/// (left/before, right/after) — zero for axes the pad list does not reach.
private struct PadGeometry {
    let inputShape: [Int]
    let before: [Int]
    let after: [Int]
    let outputShape: [Int]

    /// Reads PyTorch's pad list, which starts at the LAST dimension:
    /// `(last_left, last_right, second_last_left, second_last_right, …)`,
    /// and checks it against the input shape and the mode.
    init(inputShape: [Int], pad: [Int], mode: PadMode, value: Double) throws {
        let rank = inputShape.count
        guard pad.count % 2 == 0 else {
            throw RefvisError.usage("pad: padding length must be divisible by 2, got \(pad.count) values \(AttributeValue.ints(pad))")
        }
        guard pad.count <= 2 * rank else {
            throw RefvisError("pad: padding length \(pad.count) is more than two times the input dimension \(rank) (input shape \(formatShape(inputShape)))")
        }
        let paddedAxes = pad.count / 2
        if mode != .constant {
            // PyTorch's rule for the non-constant modes: the last 1, 2 or 3
            // dimensions of an input with one or two more dimensions (channels,
            // then an optional batch).
            guard (1...3).contains(paddedAxes), rank == paddedAxes + 1 || rank == paddedAxes + 2 else {
                throw RefvisError("pad: mode '\(mode.rawValue)' pads the last dimension of a 2-d or 3-d input, the last 2 of a 3-d or 4-d input, or the last 3 of a 4-d or 5-d input; got \(pad.count) padding values for input shape \(formatShape(inputShape))")
            }
            guard value == 0 else {
                throw RefvisError.usage("pad: padding mode '\(mode.rawValue)' doesn't take a value argument, got value \(formatDouble(value))")
            }
        }
        var before = Array(repeating: 0, count: rank)
        var after = Array(repeating: 0, count: rank)
        for k in 0..<paddedAxes {
            before[rank - 1 - k] = pad[2 * k]
            after[rank - 1 - k] = pad[2 * k + 1]
        }
        var outputShape = inputShape
        for axis in 0..<rank {
            outputShape[axis] = try PadGeometry.outputSize(size: inputShape[axis], before: before[axis], after: after[axis],
                                                           axis: axis, mode: mode, inputShape: inputShape)
        }
        if mode == .reflect || mode == .replicate {
            // PyTorch's reflection/replication kernels need every non-batch
            // dimension non-empty (a batch dimension exists when the input has
            // two more dimensions than are padded).
            let firstChecked = rank == paddedAxes + 2 ? 1 : 0
            for axis in firstChecked..<rank where inputShape[axis] == 0 {
                throw RefvisError("pad: mode '\(mode.rawValue)' needs non-empty dimensions other than the batch, but dimension \(axis) of input shape \(formatShape(inputShape)) is empty")
            }
        }
        _ = try Tensor.checkedElementCount(outputShape, context: "pad: output")
        self.inputShape = inputShape
        self.before = before
        self.after = after
        self.outputShape = outputShape
    }

    /// The padded size of one axis, after the mode's legality checks.
    private static func outputSize(size: Int, before: Int, after: Int, axis: Int, mode: PadMode,
                                   inputShape: [Int]) throws -> Int {
        if before == 0 && after == 0 { return size }
        let described = "padding (\(before), \(after)) of dimension \(axis) of input shape \(formatShape(inputShape))"
        let cropBefore = max(0, -before), cropAfter = max(0, -after)
        let outputSize = size + before + after
        switch mode {
        case .constant:
            // PyTorch narrows the input by the negative pads first; it cannot
            // remove more elements than the dimension has.
            guard cropBefore + cropAfter <= size else {
                throw RefvisError("pad: \(described) crops \(cropBefore + cropAfter) elements from a dimension of size \(size)")
            }
        case .reflect:
            guard before < size && after < size else {
                throw RefvisError("pad: reflect \(described) must be less than the dimension size \(size)")
            }
            guard outputSize >= 1 else {
                throw RefvisError("pad: reflect \(described) leaves output size \(outputSize); it must be at least 1")
            }
        case .replicate:
            guard outputSize >= 1 else {
                throw RefvisError("pad: replicate \(described) leaves output size \(outputSize); it must be at least 1")
            }
        case .circular:
            // refvis crops first and then wraps around what is left, as
            // PyTorch does; a wrap longer than the cropped size would repeat
            // elements (PyTorch rejects it or reads overlapping memory).
            guard cropBefore + cropAfter <= size else {
                throw RefvisError("pad: circular \(described) crops \(cropBefore + cropAfter) elements from a dimension of size \(size)")
            }
            let remaining = size - cropBefore - cropAfter
            guard max(before, 0) <= remaining && max(after, 0) <= remaining else {
                throw RefvisError("pad: circular \(described) wraps around more than once (\(remaining) elements after cropping)")
            }
        }
        return outputSize
    }

    /// The gather map: for each output coordinate along each axis, the input
    /// coordinate it reads (times the input stride), or a fill.
    func gatherMap(mode: PadMode) -> ShapeIndexing.GatherMap {
        let strides = Tensor.strides(for: inputShape)
        var tables = [[Int]]()
        for axis in 0..<inputShape.count {
            let size = inputShape[axis], left = before[axis]
            let table = (0..<outputShape[axis]).map { j -> Int in
                guard let source = PadGeometry.sourceCoordinate(j, size: size, before: left, after: after[axis], mode: mode) else {
                    return ShapeIndexing.GatherMap.fill
                }
                return source * strides[axis]
            }
            tables.append(table)
        }
        return ShapeIndexing.GatherMap(outputShape: outputShape, axisOffsets: tables)
    }

    /// The input coordinate that output coordinate `j` of one axis reads, or
    /// nil for a constant-padding position. The unpadded position is
    /// `s = j − before` (negative `before` crops); positions outside
    /// `0..<size` are mapped back by the mode. The legality checks guarantee
    /// one reflection or one wrap is enough.
    static func sourceCoordinate(_ j: Int, size: Int, before: Int, after: Int, mode: PadMode) -> Int? {
        let s = j - before
        switch mode {
        case .constant:
            return s >= 0 && s < size ? s : nil
        case .replicate:
            return min(max(s, 0), size - 1)
        case .reflect:
            if s < 0 { return -s }
            if s >= size { return 2 * (size - 1) - s }
            return s
        case .circular:
            // Wrap within the part that survives cropping, [cropBefore, size − cropAfter).
            let cropBefore = max(0, -before), cropAfter = max(0, -after)
            let remaining = size - cropBefore - cropAfter
            let t = j - max(before, 0)
            return cropBefore + ((t % remaining) + remaining) % remaining
        }
    }
}

/// Pads (or, with negative pads, crops) the trailing dimensions of `input`,
/// with the semantics of `torch.nn.functional.pad(input, pad, mode, value)`.
///
/// `pad` lists pairs starting from the LAST dimension:
/// `(left, right)` pads the last dimension, `(left, right, top, bottom)` the
/// last two, `(left, right, top, bottom, front, back)` the last three, and so
/// on; its length must be even and at most `2 · rank`. Each padded axis of
/// size `n` with pads `(b, a)` becomes `n + b + a` long, and output coordinate
/// `j` reads input coordinate `s = j − b` mapped back into range by the mode:
/// - `constant`: `value` outside `0..<n` (any rank; negative pads crop, at
///   most `n` elements in total per axis; the output may be empty). `value`
///   may be ±inf, e.g. −inf before a max pool.
/// - `reflect`: `−s` below 0 and `2(n − 1) − s` above `n − 1` (the edge is not
///   repeated); each pad must be less than `n`, the output at least 1 long.
/// - `replicate`: `s` clamped to `0…n − 1`; the output at least 1 long.
/// - `circular`: the negative pads crop first, then the positive pads wrap
///   around what remains (`m` elements), so each positive pad must be at most `m`.
///
/// The non-constant modes pad only the last 1, 2 or 3 dimensions of an input
/// with one or two more dimensions (2–3-d, 3–4-d, 4–5-d inputs), reject a
/// non-zero `value`, and (reflect, replicate) need non-empty non-batch
/// dimensions — all PyTorch's rules.
///
/// Deliberate differences from PyTorch, all rejections of degenerate circular
/// pads that mix signs: a positive pad longer than what the negative pads
/// leave of the dimension is an error (PyTorch checks the pad only against the
/// uncropped size and then fails with an overlapping-copy error or produces
/// values that depend on its copy order), and so is a crop of more elements
/// than the dimension has (PyTorch returns an empty dimension when the total
/// size comes out as 0). Where PyTorch's circular padding is well defined,
/// refvis gives the same values.
///
/// - Returns: a tensor of shape `input.shape` with each padded axis resized.
/// - Throws: `RefvisError` naming the offending dimension and pads.
public func pad(_ input: Tensor, _ pad: [Int], mode: PadMode = .constant, value: Double = 0) throws -> Tensor {
    let geometry = try PadGeometry(inputShape: input.shape, pad: pad, mode: mode, value: value)
    return geometry.gatherMap(mode: mode).gather(input, fillValue: value)
}

/// The VJP of `pad`: `x̄[i] = Σ ȳ[j]` over the output positions `j` that copy
/// input element `i` — one position for the interior, more for elements that
/// reflect, replicate or circular padding repeats, none for cropped elements.
/// Constant-padding positions read no input and drop their cotangent (the
/// output does not depend on the input there; `value` is not differentiated).
/// Contributions are added in increasing output index order (reproducible bit
/// for bit). Matches the gradient of `torch.nn.functional.pad`.
///
/// - Parameters:
///   - cotangent: ȳ, of the shape `pad` returned.
///   - inputShape: the shape of the padded input.
/// - Returns: x̄, of shape `inputShape`.
public func padBackward(_ cotangent: Tensor, inputShape: [Int], _ pad: [Int], mode: PadMode = .constant) throws -> Tensor {
    let geometry = try PadGeometry(inputShape: inputShape, pad: pad, mode: mode, value: 0)
    try ShapeIndexing.requireCotangent(cotangent, geometry.outputShape, "pad")
    return geometry.gatherMap(mode: mode).scatterAdd(cotangent, inputShape: inputShape)
}

extension OpRegistry {
    static let padOp = OpDefinition(
        name: "pad",
        summary: "pads (negative: crops) the trailing dims; pad list starts at the last dim; constant/reflect/replicate/circular (torch.nn.functional.pad)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("pad", .ints, default: nil, "(left, right, top, bottom, front, back, ...) starting from the last dimension; negative crops"),
            AttributeSpec("mode", PadMode.self, default: .constant,
                          "constant, reflect (no edge repeat), replicate or circular"),
            AttributeSpec("value", .double, default: .double(0), "fill value of constant mode (may be -inf)"),
        ],
        // Affine in the input: the constant positions do not depend on it.
        linearIn: ["input"],
        forward: { inputs, attributes in
            [try pad(inputs[0], attributes.ints("pad"), mode: attributes.choice(PadMode.self, "mode"), value: attributes.double("value"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try padBackward(cotangents[0], inputShape: inputs[0].shape, attributes.ints("pad"), mode: attributes.choice(PadMode.self, "mode"))]
        },
        samples: { rng in
            // Every mode, 1-, 2- and 3-d padding, asymmetric pads, odd and even
            // sizes, crops; finite values only (the checker differences outputs).
            func sample(_ shape: [Int], _ pad: [Int], _ mode: PadMode, value: Double = 0) -> OpSample {
                var attributes: [String: AttributeValue] = ["pad": .ints(pad), "mode": mode.attributeValue]
                if value != 0 { attributes["value"] = .double(value) }
                let label = "\(mode.rawValue) shape=\(formatShape(shape)) pad=\(AttributeValue.ints(pad))" + (value != 0 ? " value=\(formatDouble(value))" : "")
                return OpSample(label, inputs: [rng.normalTensor(shape)], attributes: attributes)
            }
            return [
                sample([5], [2, 1], .constant),
                sample([2, 3, 4], [1, 2, 0, 1], .constant, value: 0.5),
                sample([3, 4], [1, 1, 2, 1], .constant, value: -1.25),
                sample([2, 5, 4], [-1, 2, 1, -2], .constant),
                sample([1, 2, 3, 4], [1, 0, 0, 2, 1, 1], .constant, value: 2),
                sample([3, 5], [-2, -1], .constant),
                sample([2, 5], [2, 3], .reflect),
                sample([1, 2, 4], [3, 1], .reflect),
                sample([1, 2, 4, 5], [1, 2, 3, 1], .reflect),
                sample([3, 4, 3], [2, 0, 1, 3], .reflect),
                sample([1, 3, 4, 3], [1, 2, 2, 1, 1, 2], .reflect),
                sample([1, 1, 5], [-1, 3], .reflect),
                sample([2, 4], [3, 2], .replicate),
                sample([1, 2, 3, 4], [0, 2, 2, 1], .replicate),
                sample([1, 1, 2, 3, 2], [1, 1, 2, 0, 1, 1], .replicate),
                sample([1, 2, 4], [2, -1], .replicate),
                sample([2, 3, 5], [2, 5], .circular),
                sample([1, 4, 3], [3, 1, 2, 2], .circular),
                sample([2, 3, 2, 2], [1, 2, 2, 1, 1, 0], .circular),
                sample([2, 4], [1, -1], .circular),
            ]
        })
}
