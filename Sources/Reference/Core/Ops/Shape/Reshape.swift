// torch.reshape: the same elements in row-major order under a new shape, and
// its VJP, the cotangent reshaped back.

/// Resolves a requested shape against an element count, with PyTorch's rules:
/// at most one `-1`, inferred so the counts match; no other negative size.
private func inferReshape(_ requested: [Int], elementCount: Int, inputShape: [Int]) throws -> [Int] {
    let described = "reshape: shape \(AttributeValue.ints(requested))"
    var inferredAxis: Int? = nil
    for (axis, size) in requested.enumerated() {
        if size == -1 {
            guard inferredAxis == nil else { throw RefvisError.usage("\(described): only one dimension can be inferred (-1)") }
            inferredAxis = axis
        } else if size < 0 {
            throw RefvisError.usage("\(described): invalid shape dimension \(size)")
        }
    }
    var known = requested
    if let axis = inferredAxis { known[axis] = 1 }
    // A requested shape larger than any tensor cannot match the count.
    guard let knownCount = try? Tensor.checkedElementCount(known, context: "reshape") else {
        throw RefvisError("\(described) is invalid for input of shape \(formatShape(inputShape)) (\(elementCount) elements)")
    }
    guard let axis = inferredAxis else {
        guard knownCount == elementCount else {
            throw RefvisError("\(described) is invalid for input of shape \(formatShape(inputShape)) (\(elementCount) elements)")
        }
        return requested
    }
    guard knownCount != 0 else {
        if elementCount == 0 {
            throw RefvisError("\(described): cannot reshape a tensor of 0 elements because the size of the -1 dimension is ambiguous")
        }
        throw RefvisError("\(described) is invalid for input of shape \(formatShape(inputShape)) (\(elementCount) elements)")
    }
    guard elementCount % knownCount == 0 else {
        throw RefvisError("\(described) is invalid for input of shape \(formatShape(inputShape)) (\(elementCount) elements)")
    }
    known[axis] = elementCount / knownCount
    return known
}

/// The elements of `input` in row-major order under `shape`, with the
/// semantics of `torch.reshape(input, shape)` (always a copy here; refvis has
/// no views). One entry may be `-1`, inferred from the element count; the
/// element counts must match. `[]` makes a scalar of a one-element tensor.
///
/// - Throws: `RefvisError` for two `-1`s, another negative size, an ambiguous
///   `-1` (zero elements), or a count mismatch.
public func reshape(_ input: Tensor, shape: [Int]) throws -> Tensor {
    let resolved = try inferReshape(shape, elementCount: input.count, inputShape: input.shape)
    return input.reshaped(resolved)
}

/// The VJP of `reshape`: x̄ is ȳ read in the same row-major order under the
/// input's shape. Matches torch's gradient of reshape.
///
/// - Parameters:
///   - cotangent: ȳ, of the reshaped shape.
///   - inputShape: the shape of the reshaped input (same element count).
public func reshapeBackward(_ cotangent: Tensor, inputShape: [Int]) throws -> Tensor {
    guard cotangent.count == Tensor.elementCount(inputShape) else {
        throw RefvisError("reshape backward: cotangent of shape \(formatShape(cotangent.shape)) has \(cotangent.count) elements, the input shape \(formatShape(inputShape)) has \(Tensor.elementCount(inputShape))")
    }
    return cotangent.reshaped(inputShape)
}

extension OpRegistry {
    static let reshapeOp = OpDefinition(
        name: "reshape",
        summary: "same elements in row-major order under a new shape; one -1 is inferred (torch.reshape)",
        inputs: [OpInput("input")],
        attributes: [AttributeSpec("shape", .ints, default: nil, "the new shape; one entry may be -1")],
        linearIn: ["input"],
        forward: { inputs, attributes in [try reshape(inputs[0], shape: attributes.ints("shape"))] },
        vjp: { inputs, _, cotangents, attributes in
            let outputShape = try inferReshape(attributes.ints("shape"), elementCount: inputs[0].count, inputShape: inputs[0].shape)
            try ShapeIndexing.requireCotangent(cotangents[0], outputShape, "reshape")
            return [try reshapeBackward(cotangents[0], inputShape: inputs[0].shape)]
        },
        samples: { rng in
            func sample(_ shape: [Int], to newShape: [Int]) -> OpSample {
                OpSample("shape=\(formatShape(shape)) to \(AttributeValue.ints(newShape))",
                         inputs: [rng.normalTensor(shape)], attributes: ["shape": .ints(newShape)])
            }
            return [
                sample([2, 3, 4], to: [4, -1]),
                sample([2, 3, 4], to: [24]),
                sample([6, 4], to: [2, 3, 2, 2]),
                sample([1, 1], to: []),
                sample([5], to: [-1, 1]),
            ]
        })
}
