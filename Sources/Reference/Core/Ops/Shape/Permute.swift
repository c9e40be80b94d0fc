// torch.permute: reorders the dimensions, and its VJP, the inverse permutation.

/// Checks that `dims` is a permutation of the input's dimensions (negative
/// entries counted from the end) and returns it with entries in `0..<rank`.
private func validatedPermutation(_ dims: [Int], rank: Int) throws -> [Int] {
    guard dims.count == rank else {
        throw RefvisError("permute: number of dims don't match: the input has \(rank) dimensions but dims has \(dims.count) entries \(AttributeValue.ints(dims))")
    }
    var seen = Array(repeating: false, count: rank)
    var wrapped = [Int]()
    for dim in dims {
        let axis = try ShapeIndexing.wrapDimension(dim, rank: rank, "permute: dims \(AttributeValue.ints(dims))")
        guard !seen[axis] else {
            throw RefvisError("permute: dims \(AttributeValue.ints(dims)) is not a permutation: dimension \(axis) appears twice")
        }
        seen[axis] = true
        wrapped.append(axis)
    }
    return wrapped
}

/// Gather map of a permutation: output axis k walks input axis `dims[k]`.
private func permuteMap(inputShape: [Int], dims: [Int]) -> ShapeIndexing.GatherMap {
    let strides = Tensor.strides(for: inputShape)
    let outputShape = dims.map { inputShape[$0] }
    let tables = dims.map { ShapeIndexing.identityOffsets(size: inputShape[$0], stride: strides[$0]) }
    return ShapeIndexing.GatherMap(outputShape: outputShape, axisOffsets: tables)
}

/// The tensor with its dimensions reordered: `output.shape[k] = input.shape[dims[k]]`
/// and `output[j₀, …, j_{r−1}] = input[i]` with `i[dims[k]] = j_k`, with the
/// semantics of `torch.permute(input, dims)` (the values are copied; refvis
/// has no strided views). Negative entries of `dims` count from the end.
///
/// - Throws: `RefvisError` unless `dims` is a permutation of `0..<rank`.
public func permute(_ input: Tensor, dims: [Int]) throws -> Tensor {
    let permutation = try validatedPermutation(dims, rank: input.rank)
    return permuteMap(inputShape: input.shape, dims: permutation).gather(input)
}

/// The VJP of `permute`: ȳ permuted back by the inverse permutation
/// (`inverse[dims[k]] = k`), so `x̄.shape == input.shape`. Matches torch's
/// gradient of permute.
///
/// - Parameters:
///   - cotangent: ȳ, of the permuted shape.
///   - dims: the permutation the forward pass used.
public func permuteBackward(_ cotangent: Tensor, dims: [Int]) throws -> Tensor {
    let permutation = try validatedPermutation(dims, rank: cotangent.rank)
    var inverse = Array(repeating: 0, count: permutation.count)
    for (k, axis) in permutation.enumerated() { inverse[axis] = k }
    return permuteMap(inputShape: cotangent.shape, dims: inverse).gather(cotangent)
}

extension OpRegistry {
    static let permuteOp = OpDefinition(
        name: "permute",
        summary: "reorders dimensions: output.shape[k] = input.shape[dims[k]] (torch.permute)",
        inputs: [OpInput("input")],
        attributes: [AttributeSpec("dims", .ints, default: nil, "a permutation of the dimensions; negative counts from the end")],
        linearIn: ["input"],
        forward: { inputs, attributes in [try permute(inputs[0], dims: attributes.ints("dims"))] },
        vjp: { inputs, _, cotangents, attributes in
            let gradient = try permuteBackward(cotangents[0], dims: attributes.ints("dims"))
            // Un-permuting gives the input's shape exactly when ȳ has the output's shape.
            try gradient.requireShape(inputs[0].shape, "permute backward: cotangent permuted back")
            return [gradient]
        },
        samples: { rng in
            func sample(_ shape: [Int], dims: [Int]) -> OpSample {
                OpSample("shape=\(formatShape(shape)) dims=\(AttributeValue.ints(dims))",
                         inputs: [rng.normalTensor(shape)], attributes: ["dims": .ints(dims)])
            }
            return [
                sample([5], dims: [0]),
                sample([3, 4], dims: [1, 0]),
                sample([2, 3, 4], dims: [2, 0, 1]),
                sample([2, 3, 4], dims: [-1, -3, -2]),
                sample([1, 2, 3, 2], dims: [0, 2, 3, 1]),
            ]
        })
}
