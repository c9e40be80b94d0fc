// Shared machinery of the shape ops (pad, narrow, permute, roll): each of
// them copies input elements to output positions, possibly several times
// (replicate/reflect/circular padding) and possibly writing a constant
// instead (constant padding). The forward pass is a gather, and its VJP is the
// matching scatter-add, so the two are written once here and every shape op
// only describes *which* input element each output coordinate reads.

extension ShapeIndexing {
    /// For every element of an op's output (row-major), the flat offset of the
    /// input element it copies, or `GatherMap.fill` where the op writes a constant.
    ///
    /// The map is built from per-axis tables because every shape op here is
    /// separable: the input offset of output element (j₀, j₁, …) is
    /// `axisOffsets[0][j₀] + axisOffsets[1][j₁] + …`, where a table entry is
    /// already multiplied by the input stride of the axis it reads.
    struct GatherMap {
        /// Marks an output element that reads no input (a constant-padding position).
        static let fill = -1

        let outputShape: [Int]
        /// `sources[i]` is the input offset read by output element `i`, or `fill`.
        let sources: [Int]

        /// - Parameter axisOffsets: one table per output axis, `axisOffsets[k].count == outputShape[k]`;
        ///   an entry of `fill` makes every output element with that coordinate a fill.
        init(outputShape: [Int], axisOffsets: [[Int]]) {
            precondition(axisOffsets.count == outputShape.count && zip(axisOffsets, outputShape).allSatisfy { $0.count == $1 },
                         "GatherMap tables do not match the output shape")
            // Outer sums axis by axis: after step k, `offsets` lists the partial
            // offsets of all prefixes (j₀ … j_k) in row-major order.
            var offsets = [0]
            for table in axisOffsets {
                var next = [Int]()
                next.reserveCapacity(offsets.count * table.count)
                for prefix in offsets {
                    for entry in table {
                        next.append(prefix == GatherMap.fill || entry == GatherMap.fill ? GatherMap.fill : prefix + entry)
                    }
                }
                offsets = next
            }
            self.outputShape = outputShape
            self.sources = offsets
        }

        /// The forward pass: output element `i` is `input[sources[i]]`, or `fillValue`.
        func gather(_ input: Tensor, fillValue: Double = 0) -> Tensor {
            let x = input.scalars
            return Tensor(shape: outputShape, scalars: sources.map { $0 == GatherMap.fill ? fillValue : x[$0] })
        }

        /// The VJP of `gather`: every output cotangent is added to the input element
        /// it was copied from. Contributions are added in increasing output index
        /// order, so an input read several times gets a reproducible sum.
        func scatterAdd(_ cotangent: Tensor, inputShape: [Int]) -> Tensor {
            var gradient = [Double](repeating: 0, count: Tensor.elementCount(inputShape))
            let g = cotangent.scalars
            for (i, source) in sources.enumerated() where source != GatherMap.fill {
                gradient[source] += g[i]
            }
            return Tensor(shape: inputShape, scalars: gradient)
        }
    }
}

/// Helpers of the shape ops, in a namespace so that their short names cannot
/// collide with other op families' helpers in the same module.
enum ShapeIndexing {
    /// PyTorch's dimension wrapping: `dim` in `-rank ..< rank`, negative counting
    /// from the end. A rank-0 tensor is treated as rank 1 (dims -1 and 0 are
    /// accepted), as `torch` does for the ops that allow scalars.
    static func wrapDimension(_ dim: Int, rank: Int, _ context: @autoclosure () -> String) throws -> Int {
        let effectiveRank = max(rank, 1)
        guard dim >= -effectiveRank && dim < effectiveRank else {
            throw RefvisError("\(context()): dimension out of range (expected to be in range of [\(-effectiveRank), \(effectiveRank - 1)], but got \(dim))")
        }
        return dim < 0 ? dim + effectiveRank : dim
    }

    /// The identity table of one input axis: output coordinate `j` reads input coordinate `j`.
    static func identityOffsets(size: Int, stride: Int) -> [Int] {
        (0..<size).map { $0 * stride }
    }

    /// Checks the shape of a cotangent against the shape the forward pass produced.
    static func requireCotangent(_ cotangent: Tensor, _ expected: [Int], _ op: String) throws {
        try cotangent.requireShape(expected, "\(op) backward: cotangent")
    }
}
