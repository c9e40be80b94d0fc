import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// local_response_norm against values worked out by hand. PyTorch's channel
/// window for output channel c is c − size/2 … c + (size − 1)/2 (it pads the
/// channel axis with size/2 zeros before and (size − 1)/2 after and averages
/// `size` squares), and D = k + α·(Σ a²)/size.
@Suite("Normalization: local_response_norm")
struct LocalResponseNormTests {
    /// One spatial position, channels [1, 2, 3] (shape (1, 3, 1, 1)).
    func channels(_ values: [Double]) -> Tensor {
        Tensor(shape: [1, values.count, 1, 1], scalars: values)
    }

    /// size 1: b = a / (k + α a²)^β; a = 2, α = 1, β = 0.5, k = 1 → 2/√5.
    @Test func sizeOneNormalizesEachChannelByItself() throws {
        let y = try localResponseNorm(channels([2]), size: 1, alpha: 1, beta: 0.5, k: 1)
        #expect(close(y.scalars[0], 2 / 5.0.squareRoot(), 1e-15))
    }

    /// size 3, α = 3 (α/size = 1), β = 1, k = 1 on [1, 2, 3]:
    /// D = 1 + (1 + 4), 1 + (1 + 4 + 9), 1 + (4 + 9) = 6, 15, 14.
    @Test func oddSizeWindowIsCentred() throws {
        let y = try localResponseNorm(channels([1, 2, 3]), size: 3, alpha: 3, beta: 1, k: 1)
        for (got, want) in zip(y.scalars, [1.0 / 6, 2.0 / 15, 3.0 / 14]) { #expect(close(got, want, 1e-15)) }
    }

    /// size 2 (even), α = 2 (α/size = 1), β = 1, k = 1 on [1, 2, 3]: the window
    /// of channel c is {c − 1, c}, so D = 1 + 1, 1 + (1 + 4), 1 + (4 + 9) = 2, 6, 14.
    /// (A window reaching forward, {c, c + 1}, would give D₀ = 6 instead.)
    @Test func evenSizeWindowReachesBackward() throws {
        let y = try localResponseNorm(channels([1, 2, 3]), size: 2, alpha: 2, beta: 1, k: 1)
        for (got, want) in zip(y.scalars, [0.5, 2.0 / 6, 3.0 / 14]) { #expect(close(got, want, 1e-15)) }
    }

    /// k and β enter as (k + …)^β: size 1, a = 1, α = 2, β = 0.75, k = 2 → 1 / 4^0.75 = 1/(2√2).
    @Test func kAndBeta() throws {
        let y = try localResponseNorm(channels([1]), size: 1, alpha: 2, beta: 0.75, k: 2)
        #expect(close(y.scalars[0], 1 / (2 * 2.0.squareRoot()), 1e-14))
    }

    /// Which inputs each output depends on: a one-hot cotangent on channel c
    /// gives a gradient that is non-zero exactly on channels c − size/2 … c + (size − 1)/2.
    @Test(arguments: [1, 2, 3, 4, 5, 8])
    func gradientSupportIsTheWindow(size: Int) throws {
        let count = 7
        let x = Tensor(repeating: 1, shape: [1, count, 1, 1])
        for c in 0..<count {
            var g = Tensor.zeros(x.shape)
            g.scalars[c] = 1
            let gradient = try localResponseNormBackward(g, input: x, size: size, alpha: 1, beta: 0.75, k: 1)
            for j in 0..<count {
                let inWindow = j >= c - size / 2 && j <= c + (size - 1) / 2
                #expect((gradient.scalars[j] != 0) == inWindow, "size \(size), output channel \(c), input channel \(j)")
            }
        }
    }

    /// size 1, a = 2, α = 1, β = 0.5, k = 1: db/da = D^−β − 2αβ a² D^−β−1 with D = 5,
    /// = 1/√5 − 4/(5√5) = 1/(5√5).
    @Test func gradientOfSizeOne() throws {
        let g = try localResponseNormBackward(channels([1]), input: channels([2]), size: 1, alpha: 1, beta: 0.5, k: 1)
        #expect(close(g.scalars[0], 1 / (5 * 5.0.squareRoot()), 1e-14))
    }

    /// size 3, α = 3, β = 1, k = 1 on [1, 2, 3], cotangent on channel 0 only:
    /// b₀ = a₀ / (1 + a₀² + a₁²), D₀ = 6, so ∂b₀/∂a₀ = 1/6 − 2a₀²/36 = 1/9,
    /// ∂b₀/∂a₁ = −2a₀a₁/36 = −1/9, ∂b₀/∂a₂ = 0.
    @Test func gradientOfSizeThreeByHand() throws {
        let g = try localResponseNormBackward(channels([1, 0, 0]), input: channels([1, 2, 3]), size: 3, alpha: 3, beta: 1, k: 1)
        #expect(close(g.scalars[0], 1.0 / 9, 1e-15))
        #expect(close(g.scalars[1], -1.0 / 9, 1e-15))
        #expect(g.scalars[2] == 0)
    }

    /// Positions other than the channel axis are independent, for any rank ≥ 3.
    @Test func ranksThreeFourAndFiveAgree() throws {
        var rng = RandomGenerator(seed: 13)
        let x = rng.normalTensor([2, 5, 6])
        let rank3 = try localResponseNorm(x, size: 3, alpha: 1, beta: 0.75, k: 1)
        let rank4 = try localResponseNorm(x.reshaped([2, 5, 2, 3]), size: 3, alpha: 1, beta: 0.75, k: 1)
        let rank5 = try localResponseNorm(x.reshaped([2, 5, 1, 2, 3]), size: 3, alpha: 1, beta: 0.75, k: 1)
        #expect(rank3.scalars == rank4.scalars)
        #expect(rank3.scalars == rank5.scalars)
        #expect(rank5.shape == [2, 5, 1, 2, 3])
    }

    /// PyTorch's defaults (α = 1e-4, β = 0.75, k = 1) through the registry.
    @Test func registryDefaults() throws {
        let op = try OpRegistry.op(named: "local_response_norm")
        let x = channels([1, 2, 3])
        let y = try op([x], ["size": .int(3)])[0]
        // Channel 1: D = 1 + 1e-4·14/3.
        #expect(close(y.scalars[1], 2 / pow((14.0 / 3) * 1e-4 + 1, 0.75), 1e-15))
    }

    @Test func emptyBatchIsReturnedUnchanged() throws {
        let x = Tensor.zeros([0, 3, 2, 2])
        #expect(try localResponseNorm(x, size: 2) == x)
    }

    @Test func badInputsThrow() throws {
        #expect(throws: RefvisError.self) { try localResponseNorm(Tensor.zeros([3, 4]), size: 2) }
        #expect(throws: RefvisError.self) { try localResponseNorm(Tensor.zeros([1, 3, 4]), size: 0) }
        #expect(throws: RefvisError.self) { try localResponseNorm(Tensor.zeros([1, 3, 4]), size: -1) }
        #expect(throws: RefvisError.self) {
            try localResponseNormBackward(Tensor.zeros([1, 3, 5]), input: Tensor.zeros([1, 3, 4]), size: 2)
        }
        do {
            _ = try OpRegistry.op(named: "local_response_norm")([Tensor.zeros([1, 3, 4])], [:])
            Issue.record("missing size accepted")
        } catch let error as RefvisError {
            #expect(error.kind == .usage)
            #expect(error.message.contains("size"))
        }
    }
}
