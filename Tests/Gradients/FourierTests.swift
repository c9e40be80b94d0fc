import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// A complex tensor (…, 2) from (real, imaginary) pairs.
private func complex(_ shape: [Int], _ pairs: [(Double, Double)]) -> Tensor {
    Tensor(shape: shape + [2], scalars: pairs.flatMap { [$0.0, $0.1] })
}

@Suite("Fourier: fft2, ifft2, rfft2, irfft2, rfft2d_freqs")
struct FourierTests {
    // MARK: irfft2 of known spectra

    @Test func singleCoefficientGivesACosineAndSine() throws {
        // H = 2, s1 = 4, Wc = 3, X[0, 1] = a + ib (a = 2, b = 4), all else 0.
        // Column 1 is interior, so it counts twice: x[h, w] = (2/8)(a cos(πw/2) − b sin(πw/2)),
        // w = 0…3: a/4, −b/4, −a/4, b/4 = 0.5, −1, −0.5, 1 on both rows.
        var pairs = [(Double, Double)](repeating: (0, 0), count: 6)
        pairs[1] = (2, 4)
        let x = try irfft2(complex([2, 3], pairs))
        #expect(x.shape == [2, 4])
        #expect(close(x.scalars, [0.5, -1, -0.5, 1, 0.5, -1, -0.5, 1], 1e-14))
    }

    @Test func dcOnlySpectrumGivesAConstantImage() throws {
        // X[0, 0] = 30 (+ any imaginary part) on a 3×5 output: every pixel is 30/(3·5) = 2.
        var pairs = [(Double, Double)](repeating: (0, 0), count: 9)
        pairs[0] = (30, 0)
        let flat = try irfft2(complex([3, 3], pairs), s: [3, 5])
        #expect(flat.shape == [3, 5])
        #expect(close(flat.scalars, Array(repeating: 2, count: 15), 1e-14))
        pairs[0] = (30, 7)
        #expect(try irfft2(complex([3, 3], pairs), s: [3, 5]) == flat)
        // ortho: 30/√15 everywhere; forward: 30.
        #expect(close(try irfft2(complex([3, 3], pairs), s: [3, 5], norm: .ortho).scalars,
                      Array(repeating: 30 / 15.0.squareRoot(), count: 15), 1e-14))
        #expect(close(try irfft2(complex([3, 3], pairs), s: [3, 5], norm: .forward).scalars, Array(repeating: 30, count: 15), 1e-14))
    }

    @Test func imaginaryPartsOfDCAndNyquistAreIgnored() throws {
        // s = (4, 6): Wc = 4, column 3 is Nyquist. A real signal forces X[0, 0], X[0, 3],
        // X[2, 0], X[2, 3] to be real; irfft2 ignores their imaginary parts exactly.
        var rng = RandomGenerator(seed: 5)
        let spectrum = rng.normalTensor([4, 4, 2])
        let base = try irfft2(spectrum)
        #expect(base.shape == [4, 6])
        for (row, column) in [(0, 0), (0, 3), (2, 0), (2, 3)] {
            var changed = spectrum
            changed[row, column, 1] += 10
            #expect(try irfft2(changed) == base, "Im X[\(row), \(column)] should be ignored")
        }
        // Other entries of those columns pair up along the first axis (X[1, 0] with X[3, 0]):
        // their imaginary parts matter.
        var changed = spectrum
        changed[1, 0, 1] += 10
        #expect(try irfft2(changed) != base)
        // With an odd s1 = 7 the last of the 4 columns is interior, not Nyquist: it matters.
        let odd = try irfft2(spectrum, s: [4, 7])
        changed = spectrum
        changed[0, 3, 1] += 10
        #expect(try irfft2(changed, s: [4, 7]) != odd)
    }

    @Test func extraColumnsAreCroppedAndMissingOnesZeroPadded() throws {
        // s1 = 4 reads only 3 columns: a fourth column does not matter.
        var rng = RandomGenerator(seed: 6)
        let spectrum = rng.normalTensor([3, 4, 2])
        var changed = spectrum
        changed[1, 3, 0] += 5
        #expect(try irfft2(spectrum, s: [3, 4]) == irfft2(changed, s: [3, 4]))
        // s1 = 10 needs 6 columns; the input's 4 are padded with zeros.
        var padded = Tensor.zeros([3, 6, 2])
        for h in 0..<3 { for l in 0..<4 { for p in 0..<2 { padded[h, l, p] = spectrum[h, l, p] } } }
        #expect(close(try irfft2(spectrum, s: [3, 10]).scalars, try irfft2(padded, s: [3, 10]).scalars, 1e-14))
    }

    // MARK: rfft2, fft2

    @Test func rfft2OfAConstantImageIsDCOnly() throws {
        // 3×4 image of 2.5: Y[0, 0] = 2.5·12 = 30, everything else 0; shape (3, 4/2 + 1, 2).
        let y = try rfft2(Tensor(repeating: 2.5, shape: [3, 4]))
        #expect(y.shape == [3, 3, 2])
        var expected = [Double](repeating: 0, count: 18)
        expected[0] = 30
        #expect(close(y.scalars, expected, 1e-14))
        // ortho: 30/√12; forward: 30/12.
        let ortho = try rfft2(Tensor(repeating: 2.5, shape: [3, 4]), norm: .ortho)
        #expect(abs(ortho.scalars[0] - 30 / 12.0.squareRoot()) < 1e-14)
        #expect(abs(try rfft2(Tensor(repeating: 2.5, shape: [3, 4]), norm: .forward).scalars[0] - 2.5) < 1e-15)
    }

    @Test func fft2OfADeltaIsAPurePhase() throws {
        // δ at (1, 2) in 4×4: Y[k, l] = e^{−2πi(k/4 + 2l/4)} = (−i)^k·(−1)^l.
        var x = Tensor.zeros([4, 4, 2])
        x[1, 2, 0] = 1
        let y = try fft2(x)
        let powersOfMinusI: [(Double, Double)] = [(1, 0), (0, -1), (-1, 0), (0, 1)]
        var expected = [Double]()
        for k in 0..<4 {
            for l in 0..<4 {
                let sign: Double = l % 2 == 0 ? 1 : -1
                expected += [sign * powersOfMinusI[k].0, sign * powersOfMinusI[k].1]
            }
        }
        #expect(close(y.scalars, expected, 1e-14))
        // ifft2 has the opposite sign and 1/16: δ at (0, 0) gives 1/16 everywhere.
        var delta = Tensor.zeros([4, 4, 2])
        delta[0, 0, 0] = 1
        #expect(close(try ifft2(delta).scalars, (0..<32).map { $0 % 2 == 0 ? 1 / 16 : 0 }, 1e-14))
    }

    @Test func fft2CropsAndZeroPadsToS() throws {
        // s = (2, 2) keeps x[0…1, 0…1]; s = (3, 3) pads with zeros. A 2×2 DFT: Y[0,0] = Σx,
        // Y[0,1] = row sums differenced, Y[1,0] = column sums differenced, Y[1,1] = x00 − x01 − x10 + x11.
        var x = Tensor.zeros([3, 3, 2])
        let values: [[Double]] = [[1, 2, 9], [3, 4, 9], [9, 9, 9]]
        for h in 0..<3 { for w in 0..<3 { x[h, w, 0] = values[h][w] } }
        let cropped = try fft2(x, s: [2, 2])
        #expect(close(cropped.scalars, [10, 0, -2, 0, -4, 0, 0, 0], 1e-14))
        // Padded from 2×2 to 3×3: the DC is still 10.
        #expect(cropped.shape == [2, 2, 2])
        var two = Tensor.zeros([2, 2, 2])
        for h in 0..<2 { for w in 0..<2 { two[h, w, 0] = values[h][w] } }
        #expect(close(try fft2(two, s: [3, 3]).scalars, try fft2(x.zeroingOutside(2, 2), s: [3, 3]).scalars, 1e-14))
        #expect(abs(try fft2(two, s: [3, 3])[0, 0, 0] - 10) < 1e-14)
    }

    // MARK: round trips and Parseval

    @Test(arguments: FourierNorm.allCases)
    func irfft2UndoesRfft2(norm: FourierNorm) throws {
        var rng = RandomGenerator(seed: 9)
        for shape in [[4, 6], [5, 7], [3, 4], [2, 3, 5, 5], [1, 1], [6, 1]] {
            let x = rng.normalTensor(shape)
            let back = try irfft2(rfft2(x, norm: norm), s: Array(shape.suffix(2)), norm: norm)
            #expect(back.shape == shape)
            #expect(close(back.scalars, x.scalars, 1e-13), "shape \(shape)")
        }
    }

    @Test(arguments: FourierNorm.allCases)
    func ifft2UndoesFft2(norm: FourierNorm) throws {
        var rng = RandomGenerator(seed: 10)
        let x = rng.normalTensor([2, 3, 5, 2])
        #expect(close(try ifft2(fft2(x, norm: norm), norm: norm).scalars, x.scalars, 1e-13))
        #expect(close(try fft2(ifft2(x, norm: norm), norm: norm).scalars, x.scalars, 1e-13))
    }

    @Test func orthoTransformsPreserveEnergy() throws {
        var rng = RandomGenerator(seed: 11)
        // fft2: Σ|x|² = Σ|Y|².
        let x = rng.normalTensor([3, 5, 2])
        let y = try fft2(x, norm: .ortho)
        #expect(abs(x.dot(x) - y.dot(y)) < 1e-12 * x.dot(x))
        // rfft2 with even W = 6: the interior columns 1, 2 stand for their mirrors too,
        // so Σx² = Σ_k |Y[k,0]|² + |Y[k,3]|² + 2(|Y[k,1]|² + |Y[k,2]|²).
        let real = rng.normalTensor([4, 6])
        let half = try rfft2(real, norm: .ortho)
        var energy = 0.0
        for k in 0..<4 {
            for l in 0..<4 {
                let weight: Double = (l == 0 || l == 3) ? 1 : 2
                energy += weight * (half[k, l, 0] * half[k, l, 0] + half[k, l, 1] * half[k, l, 1])
            }
        }
        #expect(abs(real.dot(real) - energy) < 1e-12 * real.dot(real))
    }

    // MARK: VJPs worked by hand

    @Test func irfft2GradientCarriesTheHermitianWeights() throws {
        // H = 1, s1 = 4, Wc = 3: y[w] = ¼(Re X0 + 2(Re X1 cos(πw/2) − Im X1 sin(πw/2)) + Re X2 cos(πw)).
        // Cotangent e₁ (w = 1): ∂y₁/∂Re X = (¼, 0, −¼), ∂y₁/∂Im X = (0, −½, 0) — twice what
        // rfft2 of e₁ (scaled by ¼) would give for Im X1, and 0 for Im of DC and Nyquist.
        let gradient = try irfft2Backward(Tensor(shape: [1, 4], scalars: [0, 1, 0, 0]), inputShape: [1, 3, 2])
        #expect(close(gradient.scalars, [0.25, 0, 0, -0.5, -0.25, 0], 1e-14))
        // Cotangent e₀: (¼, ½, ¼) on the real parts, nothing on the imaginary ones.
        let atZero = try irfft2Backward(Tensor(shape: [1, 4], scalars: [1, 0, 0, 0]), inputShape: [1, 3, 2])
        #expect(close(atZero.scalars, [0.25, 0, 0.5, 0, 0.25, 0], 1e-14))
        // A column the forward cropped (s1 = 2 reads 2 of 3 columns) gets zero gradient.
        let cropped = try irfft2Backward(Tensor(shape: [1, 2], scalars: [1, 1]), inputShape: [1, 3, 2], s: [1, 2])
        #expect(cropped.scalars[4] == 0 && cropped.scalars[5] == 0)
    }

    @Test func rfft2GradientCountsEachColumnOnce() throws {
        // x of (1, 4): Im Y[0, 1] = −(x1 − x3), so the cotangent e at Im Y[0, 1] gives x̄ = (0, −1, 0, 1).
        var cotangent = Tensor.zeros([1, 3, 2])
        cotangent[0, 1, 1] = 1
        #expect(close(try rfft2Backward(cotangent, inputShape: [1, 4]).scalars, [0, -1, 0, 1], 1e-14))
        // Re Y[0, 0] = Σx: gradient 1 everywhere, and 0 for pixels cropped by s = (1, 2).
        var dc = Tensor.zeros([1, 2, 2])
        dc[0, 0, 0] = 1
        #expect(close(try rfft2Backward(dc, inputShape: [1, 4], s: [1, 2]).scalars, [1, 1, 0, 0], 1e-14))
    }

    // MARK: rfft2d_freqs

    @Test func rfft2dFreqsForAnEvenWidth() throws {
        // fy = (0, ¼, −½, −¼), fx = fftfreq(4)[:3] = (0, ¼, −½).
        let f = try rfft2dFreqs(h: 4, w: 4)
        #expect(f.shape == [4, 3])
        let rowOne = [0.25, 0.125.squareRoot(), 0.3125.squareRoot()]
        let expected = [0, 0.25, 0.5] + rowOne + [0.5, 0.3125.squareRoot(), 0.5.squareRoot()] + rowOne
        #expect(close(f.scalars, expected, 1e-15))
    }

    @Test func rfft2dFreqsKeepsLucidsExtraColumnForAnOddWidth() throws {
        // w = 5 keeps 5//2 + 2 = 4 columns (one more than rfft2's 3): fx = (0, .2, .4, −.4);
        // fy = (0, ⅓, −⅓).
        let f = try rfft2dFreqs(h: 3, w: 5)
        #expect(f.shape == [3, 4])
        let ninth = 1.0 / 9
        let row = [(ninth).squareRoot(), (ninth + 0.04).squareRoot(), (ninth + 0.16).squareRoot(), (ninth + 0.16).squareRoot()]
        #expect(close(f.scalars, [0, 0.2, 0.4, 0.4] + row + row, 1e-15))
        // Python slicing clamps: w = 1 gives fftfreq(1)[:2] = (0,), one column.
        #expect(try rfft2dFreqs(h: 2, w: 1) == Tensor(shape: [2, 1], scalars: [0, 0.5]))
        #expect(try rfft2dFreqs(h: 1, w: 3).shape == [1, 3])
    }

    // MARK: registry and bad input

    @Test func opsAreRegisteredAsLinear() throws {
        for name in ["fft2", "ifft2", "rfft2", "irfft2"] {
            #expect(try OpRegistry.op(named: name).linearInputs == ["input"])
        }
        let op = try OpRegistry.op(named: "irfft2")
        var rng = RandomGenerator(seed: 3)
        let y = try op([rng.normalTensor([2, 3, 5, 4, 2])], ["s": .ints([5, 7]), "norm": .string("ortho")])
        #expect(y[0].shape == [2, 3, 5, 7])
        #expect(try OpRegistry.op(named: "rfft2")([rng.normalTensor([2, 5, 7])])[0].shape == [2, 5, 4, 2])
    }

    @Test func badInputsThrow() throws {
        let complex3 = Tensor.zeros([3, 4, 2])
        expectError(["fft2", "(3, 4, 3)"]) { _ = try fft2(Tensor.zeros([3, 4, 3])) }
        expectError(["ifft2", "(4, 2)"]) { _ = try ifft2(Tensor.zeros([4, 2])) }
        expectError(["irfft2", "(4, 3)"]) { _ = try irfft2(Tensor.zeros([4, 3])) }
        expectError(["rfft2", "(5,)"]) { _ = try rfft2(Tensor.zeros([5])) }
        expectError(["s", "at least 1"]) { _ = try fft2(complex3, s: [0, 4]) }
        expectError(["s", "at least 1"]) { _ = try irfft2(complex3, s: [3, -2]) }
        expectError(["s", "2 entries"]) { _ = try rfft2(Tensor.zeros([3, 4]), s: [3, 4, 5]) }
        // A single column gives the default s1 = 2·(1 − 1) = 0, which NumPy refuses too.
        expectError(["irfft2", "pass s"]) { _ = try irfft2(Tensor.zeros([3, 1, 2])) }
        expectError(["fft2", "unknown norm", "bogus", "valid: backward, ortho, forward"]) { _ = try FourierNorm("bogus", attribute: "norm", op: "fft2") }
        #expect(throws: RefvisError.self) { _ = try OpRegistry.op(named: "fft2")([complex3], ["norm": .string("bogus")]) }
        #expect(throws: RefvisError.self) { _ = try OpRegistry.op(named: "rfft2")([Tensor.zeros([3, 4])], ["s": .int(3)]) }
        expectError(["backward", "(3, 3, 2)"]) { _ = try rfft2Backward(Tensor.zeros([3, 4, 2]), inputShape: [3, 4]) }
        expectError(["rfft2d_freqs"]) { _ = try rfft2dFreqs(h: 0, w: 3) }
        expectError(["rfft2d_freqs"]) { _ = try rfft2dFreqs(h: 3, w: -1) }
    }
}

private extension Tensor {
    /// A copy with every entry outside the leading rows×columns block of a (H, W, 2) tensor set to 0.
    func zeroingOutside(_ rows: Int, _ columns: Int) -> Tensor {
        var copy = self
        for h in 0..<shape[0] { for w in 0..<shape[1] where h >= rows || w >= columns {
            copy[h, w, 0] = 0
            copy[h, w, 1] = 0
        } }
        return copy
    }
}
