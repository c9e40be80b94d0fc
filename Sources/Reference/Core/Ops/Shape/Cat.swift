// torch.cat: concatenation along one dimension, and its VJP, which hands each
// input back its own slice of the output cotangent.

/// PyTorch's legacy rule: a 1-d tensor with no elements, shape `(0,)`, is
/// skipped by `cat` whatever the ranks of the other tensors.
private func isSkippedByCat(_ shape: [Int]) -> Bool { shape == [0] }

/// The validated layout of one `cat` call.
private struct CatLayout {
    /// The wrapped concatenation dimension.
    let dim: Int
    let outputShape: [Int]
    /// Elements before `dim` (the number of blocks) and after it (one row).
    let outer: Int
    let inner: Int
    /// Each input's extent along `dim` (0 for skipped tensors).
    let extents: [Int]

    init(shapes: [[Int]], dim requestedDim: Int) throws {
        guard !shapes.isEmpty else { throw RefvisError.usage("cat: expected a non-empty list of tensors") }
        for (index, shape) in shapes.enumerated() where shape.isEmpty {
            throw RefvisError("cat: zero-dimensional tensor (at position \(index)) cannot be concatenated")
        }
        // The reference is the first tensor that is not skipped; if every one
        // is a (0,) tensor they are concatenated as ordinary 1-d tensors.
        let referenceIndex = shapes.firstIndex { !isSkippedByCat($0) } ?? 0
        let reference = shapes[referenceIndex]
        let dim = try ShapeIndexing.wrapDimension(requestedDim, rank: reference.count, "cat: dim")
        var total = 0
        var extents = [Int]()
        for (index, shape) in shapes.enumerated() {
            if isSkippedByCat(shape) && index != referenceIndex && !isSkippedByCat(reference) {
                extents.append(0)
                continue
            }
            guard shape.count == reference.count else {
                throw RefvisError("cat: tensors must have the same number of dimensions: tensor \(referenceIndex) has shape \(formatShape(reference)), tensor \(index) has shape \(formatShape(shape))")
            }
            for axis in 0..<shape.count where axis != dim && shape[axis] != reference[axis] {
                throw RefvisError("cat: shapes must match except in dimension \(dim): tensor \(referenceIndex) has shape \(formatShape(reference)), tensor \(index) has shape \(formatShape(shape))")
            }
            extents.append(shape[dim])
            total += shape[dim]
        }
        var outputShape = reference
        outputShape[dim] = total
        _ = try Tensor.checkedElementCount(outputShape, context: "cat: output")
        self.dim = dim
        self.outputShape = outputShape
        self.outer = Tensor.elementCount(Array(reference[..<dim]))
        self.inner = Tensor.elementCount(Array(reference[(dim + 1)...]))
        self.extents = extents
    }
}

/// Concatenates `tensors` along `dim`, with the semantics of
/// `torch.cat(tensors, dim)`.
///
/// All tensors must have the same rank (at least 1) and the same sizes except
/// along `dim`, which may be negative (counted from the end). The output has
/// the common shape with `Σ sizeᵢ[dim]` along `dim`; in row-major order it is,
/// for each index of the dimensions before `dim`, the matching block of each
/// tensor in turn. As in PyTorch, 1-d tensors with no elements (shape `(0,)`)
/// are skipped whatever the other tensors' ranks.
///
/// - Throws: `RefvisError` naming the offending tensor's index and both shapes.
public func cat(_ tensors: [Tensor], dim: Int = 0) throws -> Tensor {
    let layout = try CatLayout(shapes: tensors.map(\.shape), dim: dim)
    var result = [Double]()
    result.reserveCapacity(Tensor.elementCount(layout.outputShape))
    for block in 0..<layout.outer {
        for (tensor, extent) in zip(tensors, layout.extents) where extent > 0 {
            let length = extent * layout.inner
            result.append(contentsOf: tensor.scalars[(block * length)..<((block + 1) * length)])
        }
    }
    return Tensor(shape: layout.outputShape, scalars: result)
}

/// The VJP of `cat`: input `i` receives the slice of the cotangent ȳ that its
/// elements were copied to (the inverse of the forward copy; no sums). Skipped
/// `(0,)` tensors receive an empty gradient. Matches torch's gradient of cat.
///
/// - Parameters:
///   - cotangent: ȳ, of the concatenated shape.
///   - inputShapes: the shapes of the concatenated tensors, in order.
/// - Returns: one gradient per input, of that input's shape.
public func catBackward(_ cotangent: Tensor, inputShapes: [[Int]], dim: Int = 0) throws -> [Tensor] {
    let layout = try CatLayout(shapes: inputShapes, dim: dim)
    try ShapeIndexing.requireCotangent(cotangent, layout.outputShape, "cat")
    var gradients = inputShapes.map { [Double](repeating: 0, count: Tensor.elementCount($0)) }
    let rowLength = layout.outputShape[layout.dim] * layout.inner
    for block in 0..<layout.outer {
        var start = block * rowLength
        for (i, extent) in layout.extents.enumerated() where extent > 0 {
            let length = extent * layout.inner
            gradients[i].replaceSubrange((block * length)..<((block + 1) * length),
                                         with: cotangent.scalars[start..<(start + length)])
            start += length
        }
    }
    return zip(inputShapes, gradients).map { Tensor(shape: $0, scalars: $1) }
}

extension OpRegistry {
    static let catOp = OpDefinition(
        name: "cat",
        summary: "concatenates tensors along dim; shapes must match except on dim (torch.cat)",
        inputs: [OpInput("tensors", variadic: true)],
        attributes: [AttributeSpec("dim", .int, default: .int(0), "dimension to concatenate along; negative counts from the end")],
        linearIn: ["tensors"],
        forward: { inputs, attributes in [try cat(inputs, dim: attributes.int("dim"))] },
        vjp: { inputs, _, cotangents, attributes in
            try catBackward(cotangents[0], inputShapes: inputs.map(\.shape), dim: attributes.int("dim"))
        },
        samples: { rng in
            func sample(_ shapes: [[Int]], dim: Int) -> OpSample {
                OpSample("shapes=\(shapes.map(formatShape).joined(separator: "+")) dim=\(dim)",
                         inputs: shapes.map { rng.normalTensor($0) }, attributes: ["dim": .int(dim)])
            }
            return [
                sample([[3], [2]], dim: 0),
                sample([[2, 3], [1, 3], [4, 3]], dim: 0),
                sample([[2, 3, 4], [2, 1, 4], [2, 2, 4]], dim: 1),
                sample([[2, 3, 4], [2, 3, 1], [2, 3, 2]], dim: -1),
                sample([[2, 3], [2, 0], [2, 2]], dim: -1),
                sample([[1, 2, 2, 3], [1, 3, 2, 3]], dim: -3),
                sample([[2, 3], [0], [2, 2]], dim: 1),
                sample([[2, 5]], dim: 0),
            ]
        })
}
