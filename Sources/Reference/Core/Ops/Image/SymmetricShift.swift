// symmetric_shift: the `offset` of Lucid's lowres_tensor (lucid/optvis/param/lowres.py):
// `tf.pad(t, [(p, 0), …], "SYMMETRIC")` followed by `tf.slice(t, 0, shape)`. Each axis
// is shifted forward by p and the vacated start is filled with the mirror image of the
// first p elements, edge included (TF's and NumPy's "symmetric" mode; PyTorch's pad has
// no such mode — its "reflect" leaves the edge out).

/// The validated per-axis offsets of one call.
private func symmetricShiftOffsets(_ offset: [Int], shape: [Int]) throws -> [Int] {
    guard !shape.isEmpty else {
        throw RefvisError("symmetric_shift: input must have at least one dimension, got shape ()")
    }
    let expanded = offset.count == 1 ? Array(repeating: offset[0], count: shape.count) : offset
    guard expanded.count == shape.count else {
        throw RefvisError.usage("symmetric_shift: offset needs 1 or \(shape.count) entries (one per dimension of input \(formatShape(shape))), got \(AttributeValue.ints(offset))")
    }
    for axis in shape.indices where expanded[axis] < 0 || expanded[axis] > shape[axis] {
        throw RefvisError("symmetric_shift: offset \(expanded[axis]) of dimension \(axis) must be in 0...\(shape[axis]) (TensorFlow's symmetric padding reflects at most the whole dimension) for input \(formatShape(shape))")
    }
    return expanded
}

/// The gather that shifts: along axis a with offset p, output i reads input
/// i − p for i ≥ p and p − 1 − i (the mirror, edge included) for i < p.
private func symmetricShiftMap(shape: [Int], offsets: [Int]) -> ShapeIndexing.GatherMap {
    let strides = Tensor.strides(for: shape)
    let tables = shape.indices.map { axis in
        (0..<shape[axis]).map { i in
            let p = offsets[axis]
            return (i >= p ? i - p : p - 1 - i) * strides[axis]
        }
    }
    return ShapeIndexing.GatherMap(outputShape: shape, axisOffsets: tables)
}

/// Shifts every axis forward by its offset p, filling the first p positions with the
/// first p elements in reverse order:
///
///     y[…, i, …] = x[…, i − p, …]      for i ≥ p
///     y[…, i, …] = x[…, p − 1 − i, …]  for i < p
///
/// Example, one axis, p = 2: [a, b, c, d] → [b, a, a, b]. The output has the input's
/// shape; `offset` is one integer for every axis (Lucid's scalar offset) or one per
/// axis, each in 0...size. Matches Lucid's `lowres_tensor` offset, i.e.
/// `tf.slice(tf.pad(t, [(p, 0) per axis], "SYMMETRIC"), 0, shape)`. Linear.
public func symmetricShift(_ input: Tensor, offset: [Int]) throws -> Tensor {
    let offsets = try symmetricShiftOffsets(offset, shape: input.shape)
    return symmetricShiftMap(shape: input.shape, offsets: offsets).gather(input)
}

/// The VJP of `symmetricShift`: each output cotangent is added back to the element it
/// copied (so x[…, j, …] for j < p receives two contributions, from i = j + p and from
/// i = p − 1 − j, while the last p elements along that axis receive none).
public func symmetricShiftBackward(_ gradOutput: Tensor, inputShape: [Int], offset: [Int]) throws -> Tensor {
    let offsets = try symmetricShiftOffsets(offset, shape: inputShape)
    try gradOutput.requireShape(inputShape, "symmetric_shift backward: output gradient")
    return symmetricShiftMap(shape: inputShape, offsets: offsets).scatterAdd(gradOutput, inputShape: inputShape)
}

extension OpRegistry {
    static let symmetricShiftOp = OpDefinition(
        name: "symmetric_shift",
        summary: "shift each axis forward by offset p, mirroring the first p elements into the gap (Lucid's lowres_tensor offset: tf.pad SYMMETRIC (p, 0) then slice)",
        inputs: [OpInput("input")],
        attributes: [AttributeSpec("offset", .ints, default: nil, "one shift for every axis, or one per axis; each in 0...size")],
        linearIn: ["input"],
        forward: { inputs, attributes in [try symmetricShift(inputs[0], offset: attributes.ints("offset"))] },
        vjp: { inputs, _, cotangents, attributes in
            [try symmetricShiftBackward(cotangents[0], inputShape: inputs[0].shape, offset: attributes.ints("offset"))]
        },
        samples: { rng in
            let cases: [(shape: [Int], offset: [Int])] = [
                ([5], [2]),
                ([4], [4]),                 // the whole axis mirrored
                ([1, 1, 4, 6], [0, 0, 1, 3]),
                ([2, 3, 3, 2], [1]),        // Lucid's scalar offset: every axis, batch and channels too
                ([2, 2, 5, 3], [0, 0, 2, 0]),
                ([3, 4], [0, 0]),           // no shift: the identity
            ]
            return cases.map { c in
                OpSample("input=\(formatShape(c.shape)) offset=\(AttributeValue.ints(c.offset))",
                         inputs: [rng.normalTensor(c.shape)], attributes: ["offset": .ints(c.offset)])
            }
        })
}
