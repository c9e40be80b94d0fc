import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// cat, narrow, permute, reshape and roll on hand-worked values, their
/// gradients, and the bad inputs PyTorch rejects.
@Suite("Shape ops")
struct ShapeOpTests {
    /// [[1 2 3], [4 5 6]]
    private let m2x3 = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])

    /// The message of the RefvisError `body` throws, or nil.
    private func errorMessage(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as RefvisError {
            return error.message
        } catch {
            return "unexpected error \(error)"
        }
    }

    // MARK: cat

    @Test func catAlongLastDimension() throws {
        let a = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let b = Tensor(shape: [2, 1], scalars: [5, 6])
        for dim in [1, -1] {
            let y = try cat([a, b], dim: dim)
            #expect(y.shape == [2, 3])
            #expect(y.scalars == [1, 2, 5, 3, 4, 6])
        }
    }

    @Test func catAlongFirstDimensionOfThree() throws {
        let a = Tensor(shape: [1, 2], scalars: [7, 8])
        let b = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let c = Tensor(shape: [0, 2], scalars: [])
        let y = try cat([a, c, b])
        #expect(y.shape == [3, 2])
        #expect(y.scalars == [7, 8, 1, 2, 3, 4])
    }

    @Test func catMiddleDimension() throws {
        // (2, 1, 2) and (2, 2, 2) along dim 1: each batch block is a's row then b's rows.
        let a = Tensor(shape: [2, 1, 2], scalars: [1, 2, 3, 4])
        let b = Tensor(shape: [2, 2, 2], scalars: [10, 20, 30, 40, 50, 60, 70, 80])
        let y = try cat([a, b], dim: 1)
        #expect(y.shape == [2, 3, 2])
        #expect(y.scalars == [1, 2, 10, 20, 30, 40, 3, 4, 50, 60, 70, 80])
    }

    @Test func catSkipsLegacyEmptyVectors() throws {
        // PyTorch skips (0,) tensors whatever the other ranks.
        let y = try cat([m2x3, Tensor(shape: [0], scalars: [])], dim: 1)
        #expect(y == m2x3)
    }

    @Test func catGradientSplitsTheCotangent() throws {
        let cotangent = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        let g = try catBackward(cotangent, inputShapes: [[2, 2], [2, 1]], dim: 1)
        #expect(g[0].shape == [2, 2] && g[0].scalars == [1, 2, 4, 5])
        #expect(g[1].shape == [2, 1] && g[1].scalars == [3, 6])
    }

    @Test func catRegistryEntryTakesAnyNumberOfTensors() throws {
        let op = try OpRegistry.op(named: "cat")
        let y = try op([Tensor(shape: [1], scalars: [1]), Tensor(shape: [2], scalars: [2, 3]), Tensor(shape: [1], scalars: [4])])[0]
        #expect(y.scalars == [1, 2, 3, 4])
    }

    @Test func catShapeMismatchNamesTheTensorAndBothShapes() throws {
        let message = errorMessage {
            try cat([Tensor.zeros([2, 2]), Tensor.zeros([2, 1]), Tensor.zeros([3, 1])], dim: 1)
        }
        let text = try #require(message)
        #expect(text.contains("tensor 2"))
        #expect(text.contains("(2, 2)") && text.contains("(3, 1)"))
    }

    @Test func catBadInputs() {
        #expect(throws: RefvisError.self) { try cat([]) }
        #expect(throws: RefvisError.self) { try cat([Tensor.zeros([2, 2]), Tensor.zeros([2, 2, 1])], dim: 0) }
        #expect(throws: RefvisError.self) { try cat([Tensor(scalar: 1), Tensor(scalar: 2)]) }
        #expect(throws: RefvisError.self) { try cat([Tensor.zeros([2, 2]), Tensor.zeros([2, 2])], dim: 2) }
        #expect(throws: RefvisError.self) { try cat([Tensor.zeros([2, 2]), Tensor.zeros([2, 2])], dim: -3) }
    }

    // MARK: narrow

    @Test func narrowKeepsASlice() throws {
        for (dim, start) in [(1, 1), (-1, 1), (1, -2), (-1, -2)] {
            let y = try narrow(m2x3, dim: dim, start: start, length: 2)
            #expect(y.shape == [2, 2])
            #expect(y.scalars == [2, 3, 5, 6])
        }
        #expect(try narrow(m2x3, dim: 0, start: 1, length: 1).scalars == [4, 5, 6])
        #expect(try narrow(m2x3, dim: 1, start: 3, length: 0).shape == [2, 0])
    }

    @Test func narrowGradientPlacesTheCotangent() throws {
        let g = try narrowBackward(Tensor(shape: [2, 2], scalars: [1, 2, 3, 4]), inputShape: [2, 3], dim: 1, start: 1, length: 2)
        #expect(g.scalars == [0, 1, 2, 0, 3, 4])
    }

    @Test func narrowOutOfRange() {
        #expect(throws: RefvisError.self) { try narrow(m2x3, dim: 1, start: 4, length: 0) }
        #expect(throws: RefvisError.self) { try narrow(m2x3, dim: 1, start: -4, length: 1) }
        #expect(throws: RefvisError.self) { try narrow(m2x3, dim: 1, start: 2, length: 2) }
        #expect(throws: RefvisError.self) { try narrow(m2x3, dim: 1, start: 0, length: -1) }
        #expect(throws: RefvisError.self) { try narrow(m2x3, dim: 2, start: 0, length: 1) }
        #expect(throws: RefvisError.self) { try narrow(Tensor(scalar: 1), dim: 0, start: 0, length: 1) }
    }

    // MARK: permute

    @Test func permuteTransposesAMatrix() throws {
        let y = try permute(m2x3, dims: [1, 0])
        #expect(y.shape == [3, 2])
        #expect(y.scalars == [1, 4, 2, 5, 3, 6])
    }

    @Test func permuteThreeDimensions() throws {
        // x[i, j, k] = 12i + 4j + k; y = permute(x, [2, 0, 1]) has y[k, i, j] = x[i, j, k].
        let x = Tensor(shape: [2, 3, 4]) { Double($0) }
        for dims in [[2, 0, 1], [-1, -3, -2]] {
            let y = try permute(x, dims: dims)
            #expect(y.shape == [4, 2, 3])
            #expect(y[3, 1, 2] == 23)
            #expect(y[0, 1, 0] == 12)
            #expect(y[1, 0, 2] == 9)
            #expect(Array(y.scalars.prefix(6)) == [0, 4, 8, 12, 16, 20])
        }
    }

    @Test func permuteGradientIsTheInversePermutation() throws {
        let g = try permuteBackward(Tensor(shape: [3, 2], scalars: [1, 4, 2, 5, 3, 6]), dims: [1, 0])
        #expect(g == m2x3)
        let x = Tensor(shape: [2, 3, 4]) { Double($0) }
        #expect(try permuteBackward(permute(x, dims: [2, 0, 1]), dims: [2, 0, 1]) == x)
    }

    @Test func permuteMustBeAPermutation() {
        #expect(throws: RefvisError.self) { try permute(m2x3, dims: [0, 0]) }
        #expect(throws: RefvisError.self) { try permute(m2x3, dims: [0, -2]) }
        #expect(throws: RefvisError.self) { try permute(m2x3, dims: [0]) }
        #expect(throws: RefvisError.self) { try permute(m2x3, dims: [0, 1, 2]) }
        #expect(throws: RefvisError.self) { try permute(m2x3, dims: [0, 2]) }
    }

    // MARK: reshape

    @Test func reshapeInfersOneDimension() throws {
        let y = try reshape(m2x3, shape: [3, -1])
        #expect(y.shape == [3, 2])
        #expect(y.scalars == m2x3.scalars)
        #expect(try reshape(m2x3, shape: [-1]).shape == [6])
        #expect(try reshape(Tensor(shape: [1, 1], scalars: [5]), shape: []).shape == [])
        #expect(try reshape(Tensor.zeros([0, 3]), shape: [3, 0, 2]).shape == [3, 0, 2])
    }

    @Test func reshapeGradient() throws {
        let g = try reshapeBackward(Tensor(shape: [6], scalars: [1, 2, 3, 4, 5, 6]), inputShape: [2, 3])
        #expect(g == m2x3)
    }

    @Test func reshapeBadShapes() {
        #expect(throws: RefvisError.self) { try reshape(m2x3, shape: [4, 2]) }
        #expect(throws: RefvisError.self) { try reshape(m2x3, shape: [-1, -1]) }
        #expect(throws: RefvisError.self) { try reshape(m2x3, shape: [-2, -3]) }
        #expect(throws: RefvisError.self) { try reshape(m2x3, shape: [4, -1]) }
        #expect(throws: RefvisError.self) { try reshape(m2x3, shape: [0, -1]) }
        #expect(throws: RefvisError.self) { try reshape(Tensor.zeros([0, 3]), shape: [0, -1]) }
        #expect(throws: RefvisError.self) { try reshape(m2x3, shape: [1 << 40, 1 << 40]) }
    }

    // MARK: roll

    @Test func rollVector() throws {
        let x = Tensor(shape: [5], scalars: [1, 2, 3, 4, 5])
        #expect(try roll(x, shifts: [2]).scalars == [4, 5, 1, 2, 3])
        #expect(try roll(x, shifts: [-1]).scalars == [2, 3, 4, 5, 1])
        #expect(try roll(x, shifts: [7], dims: [0]).scalars == [4, 5, 1, 2, 3])
    }

    @Test func rollWithoutDimsFlattens() throws {
        let y = try roll(m2x3, shifts: [1])
        #expect(y.shape == [2, 3])
        #expect(y.scalars == [6, 1, 2, 3, 4, 5])
    }

    @Test func rollSeveralDimensions() throws {
        // Rows by 1: [[4 5 6], [1 2 3]]; then columns by 1.
        #expect(try roll(m2x3, shifts: [1, 1], dims: [0, 1]).scalars == [6, 4, 5, 3, 1, 2])
        // Repeated dims add their shifts.
        #expect(try roll(m2x3, shifts: [1, -1], dims: [-1, 1]) == m2x3)
        #expect(try roll(m2x3, shifts: [1, 1], dims: [1, 1]).scalars == [2, 3, 1, 5, 6, 4])
    }

    @Test func rollGradientRollsBack() throws {
        let g = try rollBackward(Tensor(shape: [5], scalars: [1, 2, 3, 4, 5]), shifts: [2])
        #expect(g.scalars == [3, 4, 5, 1, 2])
    }

    @Test func rollBadInputs() {
        #expect(throws: RefvisError.self) { try roll(m2x3, shifts: [1, 2], dims: [0]) }
        #expect(throws: RefvisError.self) { try roll(m2x3, shifts: [1, 2]) }
        #expect(throws: RefvisError.self) { try roll(m2x3, shifts: [1], dims: [2]) }
        #expect(throws: RefvisError.self) { try roll(m2x3, shifts: []) }
    }

    @Test func rollRegistryDefaultsToNoDims() throws {
        let op = try OpRegistry.op(named: "roll")
        #expect(try op([m2x3], ["shifts": .ints([1])])[0].scalars == [6, 1, 2, 3, 4, 5])
        #expect(try op([m2x3], ["shifts": .ints([1]), "dims": .ints([0])])[0].scalars == [4, 5, 6, 1, 2, 3])
    }
}
