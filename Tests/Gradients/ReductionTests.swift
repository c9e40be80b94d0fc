import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// 0, 1, …, 23 as a (2, 3, 4) tensor: element (i, j, l) is 12i + 4j + l.
private let arange = Tensor(shape: [2, 3, 4], generator: { Double($0) })

@Suite("Reductions: sum, mean, softmax, log_softmax, cosine_similarity")
struct ReductionTests {
    // MARK: sum and mean

    @Test func sumOfEverythingIsAScalar() throws {
        // 0 + 1 + … + 23 = 23·24/2 = 276.
        #expect(try sum(arange) == Tensor(scalar: 276))
        #expect(try sum(arange, dim: []) == Tensor(scalar: 276))  // PyTorch: dim=[] reduces all
        #expect(try sum(arange, keepdim: true) == Tensor(shape: [1, 1, 1], scalars: [276]))
    }

    @Test func sumOverOneDimension() throws {
        // dim 0: (12i + 4j + l) summed over i = 2(4j + l) + 12.
        #expect(try sum(arange, dim: [0]) == Tensor(shape: [3, 4], scalars: (0..<12).map { 2 * Double($0) + 12 }))
        // dim 1: Σ_j (12i + 4j + l) = 36i + 12 + 3l.
        #expect(try sum(arange, dim: [1]) == Tensor(shape: [2, 4], scalars: [12, 15, 18, 21, 48, 51, 54, 57]))
        // dim −1: row r of the flattened (6, 4) sums to 16r + 6.
        #expect(try sum(arange, dim: [-1]) == Tensor(shape: [2, 3], scalars: [6, 22, 38, 54, 70, 86]))
        #expect(try sum(arange, dim: [1], keepdim: true).shape == [2, 1, 4])
    }

    @Test func sumOverTwoDimensions() throws {
        // Σ_{i,l} (12i + 4j + l) = 48 + 32j + 12.
        let expected = Tensor(shape: [3], scalars: [60, 92, 124])
        #expect(try sum(arange, dim: [0, 2]) == expected)
        #expect(try sum(arange, dim: [-1, -3]) == expected)
        #expect(try sum(arange, dim: [0, 2], keepdim: true) == Tensor(shape: [1, 3, 1], scalars: [60, 92, 124]))
    }

    @Test func meanDividesByTheReducedCount() throws {
        #expect(try mean(arange) == Tensor(scalar: 11.5))
        #expect(try mean(arange, dim: [0, 2]) == Tensor(shape: [3], scalars: [7.5, 11.5, 15.5]))
        #expect(try mean(arange, dim: [2], keepdim: true).shape == [2, 3, 1])
    }

    @Test func reductionsOfRankZeroAndEmptyTensors() throws {
        // A rank-0 tensor accepts dim 0 or −1, as PyTorch.
        #expect(try sum(Tensor(scalar: 3), dim: [0]) == Tensor(scalar: 3))
        #expect(try mean(Tensor(scalar: 3), dim: [-1], keepdim: true) == Tensor(scalar: 3))
        // The empty sum is 0 and the empty mean 0/0 = nan.
        let empty = Tensor.zeros([2, 0])
        #expect(try sum(empty, dim: [1]) == Tensor(shape: [2], scalars: [0, 0]))
        #expect(try mean(empty, dim: [1]).scalars.allSatisfy { $0.isNaN })
    }

    @Test func sumAndMeanGradientsRepeatTheCotangent() throws {
        let g = Tensor(shape: [2, 4], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        let gs = try sumBackward(g, inputShape: [2, 3, 4], dim: [1])
        #expect(gs.shape == [2, 3, 4])
        // x̄[i, j, l] = ȳ[i, l] for every j.
        #expect(gs[1, 2, 3] == 8 && gs[0, 1, 2] == 3 && gs[1, 0, 0] == 5)
        let gm = try meanBackward(Tensor(scalar: 12), inputShape: [2, 3], dim: nil)
        #expect(gm == Tensor(repeating: 2, shape: [2, 3]))
    }

    @Test(arguments: [[3], [-4], [0, 0], [1, -2], [2, 5]])
    func badDimsAreRefused(dims: [Int]) throws {
        #expect(throws: RefvisError.self) { try sum(arange, dim: dims) }
        #expect(throws: RefvisError.self) { try mean(arange, dim: dims) }
        #expect(throws: RefvisError.self) { try OpRegistry.op(named: "sum")([arange], ["dim": .ints(dims)]) }
    }

    @Test func outOfRangeDimErrorNamesTheShape() {
        do {
            _ = try sum(arange, dim: [3])
            Issue.record("dim 3 accepted for a 3-d tensor")
        } catch let error as RefvisError {
            #expect(error.message.contains("(2, 3, 4)") && error.message.contains("3"), "\(error.message)")
        } catch { Issue.record("unexpected \(error)") }
    }

    // MARK: softmax and log_softmax

    @Test func softmaxOfLogarithms() throws {
        // exp(0), exp(ln 2), exp(ln 3) = 1, 2, 3, so softmax = [1, 2, 3] / 6.
        let x = Tensor(shape: [3], scalars: [0, log(2), log(3)])
        #expect(close(try softmax(x, dim: 0).scalars, [1.0 / 6, 1.0 / 3, 1.0 / 2], 1e-14))
        #expect(close(try logSoftmax(x, dim: -1).scalars, [-log(6), -log(3), -log(2)], 1e-14))
    }

    @Test func softmaxIsStableForLargeInputs() throws {
        // Shifting by 1000 changes nothing, and exp(1000) would overflow without the max.
        let x = Tensor(shape: [3], scalars: [1000, 1000 + log(2), 1000 + log(3)])
        #expect(close(try softmax(x, dim: 0).scalars, [1.0 / 6, 1.0 / 3, 1.0 / 2], 1e-12))
        #expect(close(try logSoftmax(x, dim: 0).scalars, [-log(6), -log(3), -log(2)], 1e-12))
        // Very negative entries keep their precision in log_softmax: [−1000, 0] → [−1000, −e⁻¹⁰⁰⁰ ≈ 0].
        #expect(try logSoftmax(Tensor(shape: [2], scalars: [-1000, 0]), dim: 0).scalars == [-1000, 0])
    }

    @Test func softmaxAlongEachDimensionOfAMatrix() throws {
        let x = Tensor(shape: [2, 2], scalars: [0, log(3), 0, 0])
        // Columns: [0, 0] → ½, ½; [ln 3, 0] → ¾, ¼.
        #expect(close(try softmax(x, dim: 0).scalars, [0.5, 0.75, 0.5, 0.25], 1e-14))
        // Rows: [0, ln 3] → ¼, ¾; [0, 0] → ½, ½.
        #expect(close(try softmax(x, dim: -1).scalars, [0.25, 0.75, 0.5, 0.5], 1e-14))
        #expect(close(try softmax(x, dim: 1).scalars, [0.25, 0.75, 0.5, 0.5], 1e-14))
    }

    @Test func softmaxOfAllMinusInfinityIsNaN() throws {
        let y = try softmax(Tensor(shape: [2], scalars: [-.infinity, -.infinity]), dim: 0)
        #expect(y.scalars.allSatisfy { $0.isNaN })
    }

    @Test func softmaxGradients() throws {
        // y = [1/6, 1/3, 1/2], ȳ = e₀: x̄ = y (ȳ − ȳ·y) = y ⊙ ([1, 0, 0] − 1/6).
        let y = Tensor(shape: [3], scalars: [1.0 / 6, 1.0 / 3, 1.0 / 2])
        let e0 = Tensor(shape: [3], scalars: [1, 0, 0])
        #expect(close(try softmaxBackward(e0, output: y, dim: 0).scalars, [5.0 / 36, -1.0 / 18, -1.0 / 12], 1e-14))
        // log_softmax: x̄ = ȳ − softmax · Σ ȳ = [1, 0, 0] − y.
        let logY = y.map { log($0) }
        #expect(close(try logSoftmaxBackward(e0, output: logY, dim: 0).scalars, [5.0 / 6, -1.0 / 3, -1.0 / 2], 1e-14))
    }

    @Test func softmaxDimIsRequiredAndChecked() throws {
        let x = Tensor.zeros([2, 3])
        #expect(throws: RefvisError.self) { try softmax(x, dim: 2) }
        #expect(throws: RefvisError.self) { try logSoftmax(x, dim: -3) }
        #expect(throws: RefvisError.self) { try OpRegistry.op(named: "softmax")([x]) }
        #expect(try OpRegistry.op(named: "log_softmax")([x], ["dim": .int(-1)])[0].shape == [2, 3])
    }

    // MARK: cosine_similarity

    @Test func cosineSimilarityOfRows() throws {
        // Orthogonal rows give 0; parallel rows ([3, 4] and [6, 8]) give 1.
        let x1 = Tensor(shape: [2, 2], scalars: [1, 0, 3, 4])
        let x2 = Tensor(shape: [2, 2], scalars: [0, 1, 6, 8])
        #expect(close(try cosineSimilarity(x1, x2).scalars, [0, 1], 1e-14))
    }

    @Test func cosineSimilarityBroadcasts() throws {
        // [1, 2, 2] has norm 3; [2, −1, 2] too, and their dot product is 4.
        let x1 = Tensor(shape: [2, 3], scalars: [1, 2, 2, 2, -1, 2])
        let x2 = Tensor(shape: [3], scalars: [1, 2, 2])
        let y = try cosineSimilarity(x1, x2, dim: 1)
        #expect(y.shape == [2])
        #expect(close(y.scalars, [1, 4.0 / 9], 1e-14))
        #expect(close(try cosineSimilarity(x2, Tensor(shape: [3], scalars: [2, -1, 2]), dim: 0).scalars, [4.0 / 9], 1e-14))
        // Along dim 0 of (2, 3): columns [1, 2]·[1, 1] etc., output (3,).
        #expect(try cosineSimilarity(x1, Tensor(repeating: 1, shape: [2, 1]), dim: 0).shape == [3])
    }

    @Test func cosineSimilarityClampsEachNormSeparately() throws {
        // Norms 1e−5 each: their product 1e−10 is below eps = 1e−8, but each norm is
        // above it, so PyTorch's current formula gives 1 (the old one would give 0.01).
        let x = Tensor(shape: [2], scalars: [1e-5, 0])
        #expect(close(try cosineSimilarity(x, x, dim: 0).scalars, [1], 1e-14))
        // A zero vector gives 0, not nan.
        #expect(try cosineSimilarity(Tensor.zeros([2]), Tensor(shape: [2], scalars: [1, 1]), dim: 0).scalars == [0])
    }

    @Test func cosineSimilarityGradient() throws {
        // y = x1·x2 / (|x1||x2|) at x1 = [1, 0], x2 = [1, 1], y = 1/√2:
        // ∂y/∂x1 = x2/(|x1||x2|) − y x1/|x1|² = [0, 1/√2];
        // ∂y/∂x2 = x1/(|x1||x2|) − y x2/|x2|² = [1/(2√2), −1/(2√2)].
        let (g1, g2) = try cosineSimilarityBackward(Tensor(shape: [1], scalars: [1]),
                                                    Tensor(shape: [1, 2], scalars: [1, 0]),
                                                    Tensor(shape: [1, 2], scalars: [1, 1]))
        let r = 1 / 2.0.squareRoot()
        #expect(close(g1.scalars, [0, r], 1e-14))
        #expect(close(g2.scalars, [r / 2, -r / 2], 1e-14))
    }

    @Test func cosineSimilarityGradientBelowEpsFollowsPyTorch() throws {
        // x1 = [3, 4]·1e−9 (norm 5e−9 < eps = 1e−8), x2 = [1, 0], ȳ = 1. With c1 = eps,
        // u = x1/c1 = [0.3, 0.4], v = x2 = [1, 0]: direct term v/c1 = [1e8, 0];
        // through the unclamped norm: (−Σ v u / c1) x1/|x1| = −3e7 · [0.6, 0.8].
        let (g1, g2) = try cosineSimilarityBackward(Tensor(scalar: 1), Tensor(shape: [2], scalars: [3e-9, 4e-9]),
                                                    Tensor(shape: [2], scalars: [1, 0]), dim: 0)
        #expect(close(g1.scalars, [1e8 - 1.8e7, -2.4e7], 1e-12))
        // x2: u/c2 − (Σ u v) x2/|x2|² = [0.3, 0.4] − 0.3 · [1, 0].
        #expect(close(g2.scalars, [0, 0.4], 1e-12))
        // A zero vector passes nothing through its norm: x̄1 = v / eps.
        let (z1, z2) = try cosineSimilarityBackward(Tensor(scalar: 1), Tensor.zeros([2]),
                                                    Tensor(shape: [2], scalars: [1, 1]), dim: 0)
        #expect(close(z1.scalars, [1e8 / 2.0.squareRoot(), 1e8 / 2.0.squareRoot()], 1e-12))
        #expect(z2.scalars == [0, 0])
    }

    @Test func cosineSimilarityBadInputs() throws {
        do {
            _ = try cosineSimilarity(Tensor.zeros([2, 3]), Tensor.zeros([4]))
            Issue.record("shapes (2, 3) and (4,) accepted")
        } catch let error as RefvisError {
            #expect(error.message.contains("(2, 3)") && error.message.contains("(4,)"), "\(error.message)")
        }
        // The default dim 1 does not exist in a 1-d tensor.
        #expect(throws: RefvisError.self) { try cosineSimilarity(Tensor.zeros([3]), Tensor.zeros([3])) }
        #expect(throws: RefvisError.self) { try cosineSimilarity(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]), dim: -3) }
        #expect(throws: RefvisError.self) { try cosineSimilarity(Tensor.zeros([2, 3]), Tensor.zeros([2, 3]), eps: .nan) }
    }
}
