// Matrix products with NumPy/PyTorch rules (torch.matmul).

/// How `matmul` sees its two operands. A 1-D `input` of size k is read as a
/// 1×k matrix and a 1-D `other` as a k×1 matrix; the added dimension is removed
/// from the result. Every dimension before the last two is a batch dimension,
/// and the batch dimensions of the two operands broadcast (NumPy rules).
private struct MatmulPlan {
    let n: Int, k: Int, m: Int
    /// The batch shapes of the operands (possibly of different ranks) and of the output.
    let inputBatch: [Int], otherBatch: [Int], batch: [Int]
    /// For each output batch (row-major), the batch of `input` and of `other` it reads.
    let inputBatches: [Int], otherBatches: [Int]
    let outputShape: [Int]

    init(_ inputShape: [Int], _ otherShape: [Int]) throws {
        let shapes = "input \(formatShape(inputShape)) and other \(formatShape(otherShape))"
        guard !inputShape.isEmpty, !otherShape.isEmpty else {
            throw RefvisError("matmul: both arguments need at least 1 dimension, got \(shapes)")
        }
        let a = inputShape.count == 1 ? [1] + inputShape : inputShape
        let b = otherShape.count == 1 ? otherShape + [1] : otherShape
        n = a[a.count - 2]
        k = a[a.count - 1]
        m = b[b.count - 1]
        guard b[b.count - 2] == k else {
            throw RefvisError("matmul: \(shapes) cannot be multiplied (inner dimensions \(k) and \(b[b.count - 2]) differ)")
        }
        inputBatch = Array(a.dropLast(2))
        otherBatch = Array(b.dropLast(2))
        do {
            batch = try Broadcast.shape(inputBatch, otherBatch, context: "matmul")
        } catch {
            throw RefvisError("matmul: the batch dimensions of \(shapes) cannot be broadcast together")
        }
        var output = batch
        if inputShape.count > 1 { output.append(n) }
        if otherShape.count > 1 { output.append(m) }
        outputShape = output
        _ = try Tensor.checkedElementCount(batch + [n, m], context: "matmul output")
        inputBatches = Broadcast.sourceOffsets(from: inputBatch, to: batch)
        otherBatches = Broadcast.sourceOffsets(from: otherBatch, to: batch)
    }
}

/// The matrix product of `input` and `other` with `torch.matmul`'s rules:
///
/// - 1-D · 1-D (k) · (k): the dot product, shape `()`.
/// - 2-D · 2-D (n, k) · (k, m): the matrix product, (n, m).
/// - 1-D · N-D: the vector is a 1×k matrix; the result loses that dimension.
/// - N-D · 1-D: the vector is a k×1 matrix; the result loses that dimension.
/// - otherwise batched: (…, n, k) · (…, k, m) → (broadcast(…), n, m), the batch
///   dimensions broadcasting with NumPy rules.
///
/// C[i, j] = Σₖ A[i, k]·B[k, j], summed in increasing k (see `MatrixKernels`), so
/// results are bitwise reproducible at any thread count. Rank-0 operands, unequal
/// inner dimensions and batch shapes that do not broadcast throw, naming both shapes.
public func matmul(_ input: Tensor, _ other: Tensor) throws -> Tensor {
    let plan = try MatmulPlan(input.shape, other.shape)
    let product = MatrixKernels.multiply(input.scalars, batches: plan.inputBatches,
                                         other.scalars, batches: plan.otherBatches,
                                         n: plan.n, k: plan.k, m: plan.m)
    return Tensor(shape: plan.outputShape, scalars: product)
}

/// The VJP of `matmul`. Per output batch, Ā = C̄ · Bᵀ and B̄ = Aᵀ · C̄ (with the
/// added vector dimensions restored); the batch gradients are then summed over
/// the batch dimensions each operand was broadcast along, in increasing batch order.
public func matmulBackward(_ gradOutput: Tensor, _ input: Tensor, _ other: Tensor) throws -> (input: Tensor, other: Tensor) {
    let plan = try MatmulPlan(input.shape, other.shape)
    try gradOutput.requireShape(plan.outputShape, "matmul backward: output gradient")
    let (n, k, m) = (plan.n, plan.k, plan.m)
    let batches = plan.inputBatches.count
    let identity = Array(0..<batches)

    // Ā (batch, n, k) = C̄ (batch, n, m) · Bᵀ (m, k).
    let otherTransposed = MatrixKernels.transpose(other.scalars, count: Tensor.elementCount(plan.otherBatch), rows: k, columns: m)
    let gradInputFull = MatrixKernels.multiply(gradOutput.scalars, batches: identity,
                                               otherTransposed, batches: plan.otherBatches, n: n, k: m, m: k)
    let gradInput = Broadcast.reduce(Tensor(shape: plan.batch + [n, k], scalars: gradInputFull),
                                     to: plan.inputBatch + [n, k])

    // B̄ (batch, k, m) = Aᵀ (k, n) · C̄ (batch, n, m).
    let inputTransposed = MatrixKernels.transpose(input.scalars, count: Tensor.elementCount(plan.inputBatch), rows: n, columns: k)
    let gradOtherFull = MatrixKernels.multiply(inputTransposed, batches: plan.inputBatches,
                                               gradOutput.scalars, batches: identity, n: k, k: n, m: m)
    let gradOther = Broadcast.reduce(Tensor(shape: plan.batch + [k, m], scalars: gradOtherFull),
                                     to: plan.otherBatch + [k, m])

    return (gradInput.reshaped(input.shape), gradOther.reshaped(other.shape))
}

extension OpRegistry {
    static let matmulOps: [OpDefinition] = [
        OpDefinition(
            name: "matmul",
            summary: "matrix product with torch.matmul rules: 1-D promotion, batched with broadcast batch dims (torch.matmul)",
            inputs: [OpInput("input"), OpInput("other")],
            // Linear in each operand with the other held fixed.
            linearIn: ["input", "other"],
            forward: { inputs, _ in [try matmul(inputs[0], inputs[1])] },
            vjp: { inputs, _, cotangents, _ in
                let (a, b) = try matmulBackward(cotangents[0], inputs[0], inputs[1])
                return [a, b]
            },
            samples: { rng in
                let configurations: [(input: [Int], other: [Int])] = [
                    ([4], [4]),              // dot product
                    ([3, 4], [4, 5]),        // matrix · matrix
                    ([4], [4, 3]),           // vector · matrix
                    ([3, 4], [4]),           // matrix · vector
                    ([2, 3, 4], [4, 2]),     // batched · matrix
                    ([3], [2, 3, 2]),        // vector · batched
                    ([2, 1, 2, 3], [3, 3, 2]),  // broadcast batch dims (2, 1) and (3,)
                    ([2, 3, 2], [2]),        // batched · vector
                ]
                return configurations.map { c in
                    OpSample("input=\(formatShape(c.input)) other=\(formatShape(c.other))",
                             inputs: [rng.normalTensor(c.input), rng.normalTensor(c.other)])
                }
            }),
    ]
}
