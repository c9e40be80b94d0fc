/// The dense matrix products behind `matmul` and `linear`.
///
/// All matrices are row-major and contiguous. The product loops in i-k-j order:
/// for each output row i and each k, row k of B scaled by A[i, k] is added to
/// row i of C, so the innermost loop runs over contiguous memory in both B and
/// C (and vectorises). Each C[i, j] therefore accumulates A[i, k]·B[k, j] for
/// k = 0, 1, … in order, starting from 0 — the same order whatever the thread
/// count, since threads split the work by whole output rows.
enum MatrixKernels {
    /// Below this many multiply-adds the product stays on the calling thread.
    static let parallelThreshold = 1 << 15

    /// C[b] = A[aBatch[b]] · B[bBatch[b]] for b in 0..<aBatch.count, where A
    /// holds matrices of n×k, B of k×m, and `aBatch`/`bBatch` give, for each
    /// output batch, which matrix of A and of B it reads (broadcasting). Returns
    /// the `aBatch.count` matrices of n×m, concatenated.
    static func multiply(_ a: [Double], batches aBatch: [Int], _ b: [Double], batches bBatch: [Int],
                         n: Int, k: Int, m: Int) -> [Double] {
        precondition(aBatch.count == bBatch.count, "batch maps of different lengths")
        let rows = aBatch.count * n
        var c = [Double](repeating: 0, count: rows * m)
        // An empty output has nothing to compute; with k = 0 every entry is the empty sum 0.
        guard rows > 0, m > 0, k > 0 else { return c }
        let work = rows * k * m
        a.withUnsafeBufferPointer { aBuffer in
            b.withUnsafeBufferPointer { bBuffer in
                c.withUnsafeMutableBufferPointer { cBuffer in
                    // Each row is written by exactly one worker.
                    let aShared = SharedInput(aBuffer), bShared = SharedInput(bBuffer), cShared = SharedOutput(cBuffer)
                    let computeRow: @Sendable (Int) -> Void = { row in
                        let batch = row / n, i = row % n
                        let aRow = aShared.base + (aBatch[batch] * n + i) * k
                        let bMatrix = bShared.base + bBatch[batch] * k * m
                        let cRow = cShared.base + row * m
                        for p in 0..<k {
                            let scale = aRow[p]
                            let bRow = bMatrix + p * m
                            for j in 0..<m { cRow[j] += scale * bRow[j] }
                        }
                    }
                    if work < parallelThreshold {
                        for row in 0..<rows { computeRow(row) }
                    } else {
                        Parallel.forEach(rows, computeRow)
                    }
                }
            }
        }
        return c
    }

    /// The plain product of one n×k and one k×m matrix.
    static func multiply(_ a: [Double], _ b: [Double], n: Int, k: Int, m: Int) -> [Double] {
        multiply(a, batches: [0], b, batches: [0], n: n, k: k, m: m)
    }

    /// Transposes each of `count` row-major rows×columns matrices stored back to back.
    static func transpose(_ x: [Double], count: Int, rows: Int, columns: Int) -> [Double] {
        var result = [Double](repeating: 0, count: x.count)
        let size = rows * columns
        for matrix in 0..<count {
            let base = matrix * size
            for r in 0..<rows {
                for c in 0..<columns { result[base + c * rows + r] = x[base + r * columns + c] }
            }
        }
        return result
    }
}
