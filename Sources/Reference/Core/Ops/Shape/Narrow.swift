// torch.narrow: a contiguous slice along one dimension, and its VJP, which
// places the cotangent back into a zero tensor of the input's shape.

/// The validated slice of one `narrow` call: axis, start (non-negative) and length.
private struct NarrowSlice {
    let dim: Int
    let start: Int
    let length: Int
    let outputShape: [Int]

    init(inputShape: [Int], dim requestedDim: Int, start requestedStart: Int, length: Int) throws {
        guard !inputShape.isEmpty else { throw RefvisError("narrow: cannot be applied to a 0-dim tensor") }
        let dim = try ShapeIndexing.wrapDimension(requestedDim, rank: inputShape.count, "narrow: dim")
        let size = inputShape[dim]
        guard length >= 0 else { throw RefvisError.usage("narrow: length must be non-negative, got \(length)") }
        guard requestedStart >= -size && requestedStart <= size else {
            throw RefvisError("narrow: start out of range (expected to be in range of [\(-size), \(size)], but got \(requestedStart)) for dimension \(dim) of input shape \(formatShape(inputShape))")
        }
        let start = requestedStart < 0 ? requestedStart + size : requestedStart
        guard start <= size - length else {
            throw RefvisError("narrow: start (\(start)) + length (\(length)) exceeds dimension size (\(size)) of dimension \(dim) of input shape \(formatShape(inputShape))")
        }
        var outputShape = inputShape
        outputShape[dim] = length
        self.dim = dim
        self.start = start
        self.length = length
        self.outputShape = outputShape
    }

    /// Output coordinate j along `dim` reads input coordinate `start + j`; other axes are unchanged.
    func gatherMap(inputShape: [Int]) -> ShapeIndexing.GatherMap {
        let strides = Tensor.strides(for: inputShape)
        let tables = (0..<inputShape.count).map { axis in
            axis == dim ? (0..<length).map { (start + $0) * strides[axis] }
                        : ShapeIndexing.identityOffsets(size: inputShape[axis], stride: strides[axis])
        }
        return ShapeIndexing.GatherMap(outputShape: outputShape, axisOffsets: tables)
    }
}

/// The elements `start ..< start + length` of `input` along `dim`, with the
/// semantics of `torch.narrow(input, dim, start, length)`.
///
/// `dim` may be negative (counted from the end); `start` may be negative
/// (`start + size`), within `[-size, size]`; `length ≥ 0` and
/// `start + length ≤ size` after wrapping. The output has `input.shape` with
/// `length` along `dim` (possibly empty).
///
/// - Throws: `RefvisError` for a 0-dim input, a dimension or start out of
///   range, a negative length, or a slice past the end.
public func narrow(_ input: Tensor, dim: Int, start: Int, length: Int) throws -> Tensor {
    let slice = try NarrowSlice(inputShape: input.shape, dim: dim, start: start, length: length)
    return slice.gatherMap(inputShape: input.shape).gather(input)
}

/// The VJP of `narrow`: x̄ is zero except on the narrowed slice, where it is ȳ.
/// Matches torch's gradient of narrow.
///
/// - Parameters:
///   - cotangent: ȳ, of the narrowed shape.
///   - inputShape: the shape of the narrowed input.
/// - Returns: x̄, of shape `inputShape`.
public func narrowBackward(_ cotangent: Tensor, inputShape: [Int], dim: Int, start: Int, length: Int) throws -> Tensor {
    let slice = try NarrowSlice(inputShape: inputShape, dim: dim, start: start, length: length)
    try ShapeIndexing.requireCotangent(cotangent, slice.outputShape, "narrow")
    return slice.gatherMap(inputShape: inputShape).scatterAdd(cotangent, inputShape: inputShape)
}

extension OpRegistry {
    static let narrowOp = OpDefinition(
        name: "narrow",
        summary: "the slice start..<start+length along dim; negative dim and start count from the end (torch.narrow)",
        inputs: [OpInput("input")],
        attributes: [
            AttributeSpec("dim", .int, default: nil, "dimension to slice; negative counts from the end"),
            AttributeSpec("start", .int, default: nil, "first index; negative counts from the end"),
            AttributeSpec("length", .int, default: nil, "number of elements kept"),
        ],
        linearIn: ["input"],
        forward: { inputs, attributes in
            [try narrow(inputs[0], dim: attributes.int("dim"), start: attributes.int("start"), length: attributes.int("length"))]
        },
        vjp: { inputs, _, cotangents, attributes in
            [try narrowBackward(cotangents[0], inputShape: inputs[0].shape, dim: attributes.int("dim"),
                                start: attributes.int("start"), length: attributes.int("length"))]
        },
        samples: { rng in
            func sample(_ shape: [Int], dim: Int, start: Int, length: Int) -> OpSample {
                OpSample("shape=\(formatShape(shape)) dim=\(dim) start=\(start) length=\(length)",
                         inputs: [rng.normalTensor(shape)],
                         attributes: ["dim": .int(dim), "start": .int(start), "length": .int(length)])
            }
            return [
                sample([7], dim: 0, start: 2, length: 3),
                sample([4, 5], dim: 0, start: 1, length: 2),
                sample([2, 3, 6], dim: -1, start: -4, length: 3),
                sample([2, 5, 3], dim: 1, start: 0, length: 5),
                sample([3, 4, 2], dim: -2, start: 3, length: 1),
            ]
        })
}
