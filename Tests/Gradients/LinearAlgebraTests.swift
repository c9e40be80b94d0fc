import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// A row-major matrix from its rows.
private func matrix(_ rows: [[Double]]) -> Tensor {
    Tensor(shape: [rows.count, rows.first?.count ?? 0], scalars: rows.flatMap { $0 })
}

@Suite("Linear algebra: matmul and linear")
struct LinearAlgebraTests {
    // MARK: matmul forward

    @Test func matrixTimesMatrix() throws {
        // [[1, 2], [3, 4]]·[[5, 6], [7, 8]] = [[5+14, 6+16], [15+28, 18+32]].
        #expect(try matmul(matrix([[1, 2], [3, 4]]), matrix([[5, 6], [7, 8]])) == matrix([[19, 22], [43, 50]]))
        // (2, 3)·(3, 2).
        let a = matrix([[1, 2, 3], [4, 5, 6]]), b = matrix([[7, 8], [9, 10], [11, 12]])
        #expect(try matmul(a, b) == matrix([[58, 64], [139, 154]]))
    }

    @Test func vectorsArePromotedAndTheAddedDimensionRemoved() throws {
        let u = Tensor(shape: [3], scalars: [1, 2, 3]), v = Tensor(shape: [3], scalars: [4, 5, 6])
        #expect(try matmul(u, v) == Tensor(scalar: 32))  // 4 + 10 + 18
        let m = matrix([[1, 2, 3], [4, 5, 6]])
        #expect(try matmul(Tensor(shape: [2], scalars: [1, 2]), m) == Tensor(shape: [3], scalars: [9, 12, 15]))
        #expect(try matmul(m, Tensor(shape: [3], scalars: [1, 0, -1])) == Tensor(shape: [2], scalars: [-2, -2]))
    }

    @Test func batchedProductsBroadcastTheBatchDimensions() throws {
        // (2, 2, 2)·(2, 2): batch [I, 2I] times B gives [B, 2B].
        let batch = Tensor(shape: [2, 2, 2], scalars: [1, 0, 0, 1, 2, 0, 0, 2])
        let b = matrix([[5, 6], [7, 8]])
        #expect(try matmul(batch, b) == Tensor(shape: [2, 2, 2], scalars: [5, 6, 7, 8, 10, 12, 14, 16]))
        // (2, 1, 1, 2)·(3, 2, 1) → batch dims (2, 1) and (3,) broadcast to (2, 3); out (2, 3, 1, 1).
        let a = Tensor(shape: [2, 1, 1, 2], scalars: [1, 1, 1, -1])
        let c = Tensor(shape: [3, 2, 1], scalars: [1, 2, 3, 4, 5, 6])
        let y = try matmul(a, c)
        #expect(y.shape == [2, 3, 1, 1])
        // Row [1, 1] sums each column [1, 2], [3, 4], [5, 6]; row [1, −1] takes differences.
        #expect(y.scalars == [3, 7, 11, -1, -1, -1])
        // A vector times a batch: [1, 1]·(2, 2, 3) gives the column sums of each matrix, (2, 3).
        let stack = Tensor(shape: [2, 2, 3], generator: { Double($0) })
        #expect(try matmul(Tensor(shape: [2], scalars: [1, 1]), stack) == Tensor(shape: [2, 3], scalars: [3, 5, 7, 15, 17, 19]))
        // A batch times a vector: (2, 2, 3)·[1, 0, −1] gives (2, 2).
        #expect(try matmul(stack, Tensor(shape: [3], scalars: [1, 0, -1])) == Tensor(shape: [2, 2], scalars: [-2, -2, -2, -2]))
    }

    @Test func emptyInnerDimensionGivesZeros() throws {
        #expect(try matmul(Tensor.zeros([2, 0]), Tensor.zeros([0, 3])) == Tensor.zeros([2, 3]))
    }

    @Test func largeProductEqualsTheTextbookSumInTheSameOrder() throws {
        // Big enough for the parallel path; the i-k-j kernel adds A[i,k]B[k,j] in
        // increasing k, exactly as this naive loop, so the results are bitwise equal.
        var rng = RandomGenerator(seed: 7)
        let (n, k, m) = (70, 50, 90)
        let a = rng.normalTensor([n, k]), b = rng.normalTensor([k, m])
        let c = try matmul(a, b)
        var naive = [Double](repeating: 0, count: n * m)
        for i in 0..<n {
            for j in 0..<m {
                var total = 0.0
                for p in 0..<k { total += a.scalars[i * k + p] * b.scalars[p * m + j] }
                naive[i * m + j] = total
            }
        }
        #expect(c.scalars == naive)
        #expect(try matmul(a, b).scalars.map(\.bitPattern) == c.scalars.map(\.bitPattern))
    }

    // MARK: matmul gradients

    @Test func matmulGradientsByHand() throws {
        // C̄ = ones: Ā = C̄Bᵀ has the row sums of B ([11, 15]) in every row;
        // B̄ = AᵀC̄ has the column sums of A ([4, 6]) repeated along each row.
        let a = matrix([[1, 2], [3, 4]]), b = matrix([[5, 6], [7, 8]])
        let (ga, gb) = try matmulBackward(Tensor(repeating: 1, shape: [2, 2]), a, b)
        #expect(ga == matrix([[11, 15], [11, 15]]))
        #expect(gb == matrix([[4, 4], [6, 6]]))
    }

    @Test func matmulGradientSumsOverBroadcastBatches() throws {
        // (2, 1, 2)·(2,): y[b] = x[b]·v. With ȳ = 1: v̄ = Σ_b x[b] = [1+3, 2+4], x̄[b] = v.
        let x = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4]), v = Tensor(shape: [2], scalars: [5, -1])
        let (gx, gv) = try matmulBackward(Tensor(repeating: 1, shape: [2, 1]), x, v)
        #expect(gx == Tensor(shape: [2, 1, 2], scalars: [5, -1, 5, -1]))
        #expect(gv == Tensor(shape: [2], scalars: [4, 6]))
        // The dot product: ∂(u·v)/∂u = v.
        let (gu, gw) = try matmulBackward(Tensor(scalar: 2), Tensor(shape: [2], scalars: [1, 2]), v)
        #expect(gu.scalars == [10, -2] && gw.scalars == [2, 4])
    }

    // MARK: matmul bad inputs

    @Test func matmulInnerDimensionMismatchNamesBothShapes() {
        expectError(["(2, 3)", "(4, 2)"]) { _ = try matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 2])) }
        expectError(["(3,)", "(2,)"]) { _ = try matmul(Tensor.zeros([3]), Tensor.zeros([2])) }
    }

    @Test func matmulRefusesScalarsAndUnbroadcastableBatches() {
        expectError(["()", "(2, 2)"]) { _ = try matmul(Tensor(scalar: 1), Tensor.zeros([2, 2])) }
        expectError(["(2, 2, 2)", "(3, 2, 2)"]) { _ = try matmul(Tensor.zeros([2, 2, 2]), Tensor.zeros([3, 2, 2])) }
    }

    // MARK: linear

    @Test func linearIsXTimesWeightTransposedPlusBias() throws {
        let x = matrix([[1, 2, 3]])
        let w = matrix([[1, 0, -1], [2, 1, 0]])
        let b = Tensor(shape: [2], scalars: [10, 20])
        // x·row₀ = 1 − 3 = −2, x·row₁ = 2 + 2 = 4.
        #expect(try linear(x, w) == matrix([[-2, 4]]))
        #expect(try linear(x, w, bias: b) == matrix([[8, 24]]))
        // A single vector gives a vector; extra leading dimensions are kept.
        #expect(try linear(Tensor(shape: [3], scalars: [1, 2, 3]), w, bias: b) == Tensor(shape: [2], scalars: [8, 24]))
        #expect(try linear(Tensor(repeating: 1, shape: [4, 5, 3]), w).shape == [4, 5, 2])
        // A bias of shape () broadcasts to every output.
        #expect(try linear(x, w, bias: Tensor(scalar: 1)) == matrix([[-1, 5]]))
    }

    @Test func linearGradientsByHand() throws {
        // ȳ = [[1, 1]]: x̄ = ȳW = [3, 1, −1], W̄ = ȳᵀx = x in each row, b̄ = ȳ.
        let x = matrix([[1, 2, 3]]), w = matrix([[1, 0, -1], [2, 1, 0]]), b = Tensor(shape: [2], scalars: [10, 20])
        let (gx, gw, gb) = try linearBackward(matrix([[1, 1]]), x, w, bias: b)
        #expect(gx == matrix([[3, 1, -1]]))
        #expect(gw == matrix([[1, 2, 3], [1, 2, 3]]))
        #expect(gb == Tensor(shape: [2], scalars: [1, 1]))
        // Through the registry without a bias: two gradients.
        let op = try OpRegistry.op(named: "linear")
        let y = try op([x, w])
        #expect(try op.vjp([x, w], y, [matrix([[1, 1]])], op.resolve([:])).count == 2)
    }

    @Test func linearBadShapes() {
        let x = Tensor.zeros([2, 3])
        expectError(["(2, 4)", "(2, 3)"]) { _ = try linear(x, Tensor.zeros([2, 4])) }
        expectError(["(3,)"]) { _ = try linear(x, Tensor.zeros([3])) }
        expectError(["bias", "(3,)", "(2, 2)"]) { _ = try linear(x, Tensor.zeros([2, 3]), bias: Tensor.zeros([3])) }
        expectError(["()"]) { _ = try linear(Tensor(scalar: 1), Tensor.zeros([2, 1])) }
    }
}
