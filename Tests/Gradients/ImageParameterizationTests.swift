import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// A spectrum (B, C, fh, fw, 2) of zeros with one complex entry set.
private func spectrum(_ shape: [Int], at index: [Int], _ value: (Double, Double)) -> Tensor {
    var t = Tensor.zeros(shape)
    t[index[0], index[1], index[2], index[3], 0] = value.0
    t[index[0], index[1], index[2], index[3], 1] = value.1
    return t
}

/// The gradient of loss = Σ image ⊙ weights through the tape, against central
/// differences of the same loss (h = 1e-6, |a − n| ≤ 1e-6 + 1e-5·|n|) for every parameter.
private func expectGradientsMatchFiniteDifferences(_ p: any ImageParameterization, seed: UInt64,
                                                   parameterScale: Double = 1) throws {
    var rng = RandomGenerator(seed: seed)
    // Larger than the default sd, so that sigmoids and decorrelation are exercised away from 0.
    let parameters = p.parameterShapes.map { rng.normalTensor($0, std: parameterScale) }
    let weights = rng.normalTensor(p.imageShape)
    let tape = Tape()
    let variables = parameters.map { tape.variable($0) }
    let image = try p.image(on: tape, parameters: variables)
    #expect(tape.value(image).shape == p.imageShape)
    let loss = try tape.apply1("sum", [try tape.apply1("mul", [image, tape.variable(weights)])])
    let gradients = try tape.gradients(of: loss, withRespectTo: variables)
    let h = 1e-6
    for (k, parameter) in parameters.enumerated() {
        for j in 0..<parameter.count {
            var plus = parameters, minus = parameters
            plus[k].scalars[j] += h
            minus[k].scalars[j] -= h
            let numeric = (try p.image(parameters: plus).dot(weights) - p.image(parameters: minus).dot(weights)) / (2 * h)
            let analytic = gradients[k].scalars[j]
            expectClose(analytic, numeric, tolerance: (absolute: 1e-6, relative: 1e-5),
                        "parameter \(k)[\(j)], tape vs central difference")
        }
    }
}

@Suite("Image parameterizations: fourier_image, resize and shift, lowres, pyramid, gradients, initialization")
struct ImageParameterizationTests {
    // MARK: The spectrum scale

    @Test func scaleFactorsOfASmallImage() throws {
        // h = 2, w = 4: fftfreq(2) = (0, −0.5) down, fftfreq(4)[:3] = (0, 0.25, −0.5) across, so
        //   f = [[0, 0.25, 0.5], [0.5, √(0.25² + 0.5²) = 0.559017, √0.5 = 0.707107]].
        // The floor is 1/max(2, 4) = 0.25, so with decay 1 the scale is 1/max(f, 0.25):
        //   [[4, 4, 2], [2, 1/0.559017 = 1.788854, √2 = 1.414214]], and its square with decay 2.
        let scale = try fourierImageScale(height: 2, width: 4, decayPower: 1)
        #expect(scale.shape == [2, 3])
        #expect(close(scale.scalars, [4, 4, 2, 2, 1 / 0.3125.squareRoot(), 2.0.squareRoot()], 1e-15))
        let squared = try fourierImageScale(height: 2, width: 4, decayPower: 2)
        #expect(close(squared.scalars, [16, 16, 4, 4, 3.2, 2], 1e-14))
        // Decay 0: no weighting at all.
        #expect(try fourierImageScale(height: 3, width: 5, decayPower: 0).scalars.allSatisfy { $0 == 1 })
    }

    // MARK: fourier_image by hand

    @Test func dcOnlySpectrumGivesTheConstantWorkedOutByHand() throws {
        // h = 2, w = 4, X[0, 0] = 3 + 5i. scale[0, 0] = max(h, w)^1 = 4; the ortho inverse of a DC
        // term c is c/√(h·w) everywhere; the imaginary part of DC is ignored. So every pixel is
        //   3·4/√8/4 = 3/√8 = 1.0606602.
        let x = spectrum([1, 1, 2, 3, 2], at: [0, 0, 0, 0], (3, 5))
        let image = try fourierImage(x, height: 2, width: 4)
        #expect(image.shape == [1, 1, 2, 4])
        #expect(close(image.scalars, Array(repeating: 3 / 8.0.squareRoot(), count: 8), 1e-15))
        // Decay 2: scale 16, so 3·16/√8/4 = 12/√8.
        let steeper = try fourierImage(x, height: 2, width: 4, decayPower: 2)
        #expect(close(steeper.scalars, Array(repeating: 12 / 8.0.squareRoot(), count: 8), 1e-15))
    }

    @Test func oneFrequencyGivesACosine() throws {
        // h = 1, w = 4, X[0, 1] = 1: f = 0.25 = the floor, so scale 4. The ortho inverse counts the
        // interior column twice: x[w] = (1/√4)·2·4·cos(2π·w/4) = 4 cos(πw/2); divided by 4:
        // cos(πw/2) = 1, 0, −1, 0.
        let image = try fourierImage(spectrum([1, 1, 1, 3, 2], at: [0, 0, 0, 1], (1, 0)), height: 1, width: 4)
        #expect(close(image.scalars, [1, 0, -1, 0], 1e-15))
        // An imaginary part 1 instead gives −sin(πw/2) = 0, −1, 0, 1.
        let sine = try fourierImage(spectrum([1, 1, 1, 3, 2], at: [0, 0, 0, 1], (0, 1)), height: 1, width: 4)
        #expect(close(sine.scalars, [0, -1, 0, 1], 1e-15))
    }

    @Test func lucidAndLucentAgreeForEvenWidths() throws {
        // Lucid: √(w·h)·scale·X through the "backward" inverse (1/(h·w)); Lucent: scale·X through the
        // "ortho" inverse (1/√(h·w)). √(w·h)/(h·w) = 1/√(h·w): the same image.
        var rng = RandomGenerator(seed: 11)
        for (h, w) in [(4, 4), (3, 6), (5, 2)] {
            let scale = try fourierImageScale(height: h, width: w, decayPower: 1.5)
            let x = rng.normalTensor([2, 3] + scale.shape + [2])
            let lucent = try fourierImage(x, height: h, width: w, decayPower: 1.5, convention: .lucent)
            let lucid = try fourierImage(x, height: h, width: w, decayPower: 1.5, convention: .lucid)
            #expect(close(lucent.scalars, lucid.scalars, 1e-14))
            // And both equal the formula written with the public irfft2.
            var scaled = x
            for i in 0..<scaled.count { scaled.scalars[i] *= scale.scalars[(i / 2) % scale.count] }
            let root = (Double(w) * Double(h)).squareRoot()
            let direct = try irfft2(scaled, s: [h, w]).map { $0 * root / 4 }
            #expect(close(lucent.scalars, direct.scalars, 1e-14))
        }
    }

    @Test func oddWidthsDifferBetweenTheConventions() throws {
        // h = 2, w = 3: fw = 3//2 + 2 = 3 columns (one more than rfft's 2). DC = 1, scale max(2, 3) = 3.
        //   lucent: irfft2 to width 3, ortho: 3/√6, divided by 4 = 3/(4√6) = 0.3061862.
        //   lucid:  irfft2 to width 2·(3 − 1) = 4, backward: 3·√6/(2·4), divided by 4 = 3√6/32 = 0.2296397,
        // i.e. w/(w + 1) = 3/4 of Lucent's.
        let x = spectrum([1, 1, 2, 3, 2], at: [0, 0, 0, 0], (1, 0))
        let lucent = try fourierImage(x, height: 2, width: 3, convention: .lucent)
        let lucid = try fourierImage(x, height: 2, width: 3, convention: .lucid)
        #expect(lucent.shape == [1, 1, 2, 3] && lucid.shape == [1, 1, 2, 3])
        #expect(close(lucent.scalars, Array(repeating: 3 / (4 * 6.0.squareRoot()), count: 6), 1e-15))
        #expect(close(lucid.scalars, Array(repeating: 3 * 6.0.squareRoot() / 32, count: 6), 1e-15))
        // The extra column: Lucent never reads it (and gives it no gradient); Lucid does.
        let extra = spectrum([1, 1, 2, 3, 2], at: [0, 0, 1, 2], (2, -1))
        #expect(try fourierImage(extra, height: 2, width: 3, convention: .lucent).scalars.allSatisfy { $0 == 0 })
        #expect(try fourierImage(extra, height: 2, width: 3, convention: .lucid).maxAbs > 0.1)
        let gradient = try fourierImageBackward(Tensor(repeating: 1, shape: [1, 1, 2, 3]), spectrumShape: [1, 1, 2, 3, 2],
                                                height: 2, width: 3)
        #expect(gradient[0, 0, 0, 2, 0] == 0 && gradient[0, 0, 1, 2, 1] == 0)
    }

    @Test func fourierImageRejectsBadArguments() {
        expectError("must have shape (B, C, 2, 3, 2)") {
            _ = try fourierImage(.zeros([1, 1, 2, 2, 2]), height: 2, width: 4)
        }
        expectError("must have shape") { _ = try fourierImage(.zeros([2, 3, 2]), height: 2, width: 4) }
        expectError("at least 1") { _ = try fourierImage(.zeros([1, 1, 1, 1, 2]), height: 0, width: 1) }
        expectError("finite") { _ = try fourierImageScale(height: 2, width: 2, decayPower: .infinity) }
        expectError("lucid convention needs width >= 2") {
            _ = try fourierImage(.zeros([1, 1, 3, 1, 2]), height: 3, width: 1, convention: .lucid)
        }
        expectError("output gradient") {
            _ = try fourierImageBackward(.zeros([1, 1, 2, 2]), spectrumShape: [1, 1, 2, 3, 2], height: 2, width: 4)
        }
    }

    // MARK: resize_bilinear_nd and symmetric_shift by hand

    @Test func tf1BilinearResizeByHand() throws {
        // 3 → 5: src = j·3/5 = 0, 0.6, 1.2, 1.8, 2.4. [1, 2, 3] gives 1, 1.6, 2.2, 2.8, and at 2.4 the
        // upper neighbour is clamped to the last pixel: 3. (PyTorch's half-pixel rule would give
        // src = max((j + 0.5)·0.6 − 0.5, 0) = 0, 0.4, 1, 1.6, 2.2 and so 1, 1.4, 2, 2.6, 3 instead.)
        let up = try resizeBilinearND(Tensor(shape: [1, 3], scalars: [1, 2, 3]), shape: [1, 5])
        #expect(close(up.scalars, [1, 1.6, 2.2, 2.8, 3], 1e-15))
        // 6 → 3 picks every second element: src = 0, 2, 4.
        let down = try resizeBilinearND(Tensor(shape: [6], scalars: [1, 2, 3, 4, 5, 6]), shape: [3])
        #expect(down.scalars == [1, 3, 5])
        // The VJP of 3 → 5 with ȳ = 1: x̄₀ = 1 + 0.4, x̄₁ = 0.6 + 0.8 + 0.2, x̄₂ = 0.2 + 0.8 + 1.
        let back = try resizeBilinearNDBackward(Tensor(repeating: 1, shape: [1, 5]), inputShape: [1, 3], shape: [1, 5])
        #expect(close(back.scalars, [1.4, 1.6, 2.0], 1e-15))
        // Two axes at once (2×2 → 4×4 with [[0, 1], [2, 3]]): rows sample 0, 0.5, 1, 1 and so do
        // columns, so row 1 is the mean of rows 0 and 2 and the last row and column repeat.
        let grid = try resizeBilinearND(Tensor(shape: [2, 2], scalars: [0, 1, 2, 3]), shape: [4, 4])
        #expect(close(grid.scalars, [0, 0.5, 1, 1, 1, 1.5, 2, 2, 2, 2.5, 3, 3, 2, 2.5, 3, 3], 1e-15))
    }

    @Test func symmetricShiftByHand() throws {
        // p = 2 on [a, b, c, d] = [1, 2, 3, 4]: TF's symmetric pad gives [b, a, a, b, c, d]; keep 4.
        let shifted = try symmetricShift(Tensor(shape: [4], scalars: [1, 2, 3, 4]), offset: [2])
        #expect(shifted.scalars == [2, 1, 1, 2])
        // The VJP adds each cotangent back where it came from: ȳ = (1, 2, 3, 4) gives
        // a: 2 + 3 = 5, b: 1 + 4 = 5, c and d: 0.
        let back = try symmetricShiftBackward(Tensor(shape: [4], scalars: [1, 2, 3, 4]), inputShape: [4], offset: [2])
        #expect(back.scalars == [5, 5, 0, 0])
        expectError("must be in 0...4") { _ = try symmetricShift(.zeros([4]), offset: [5]) }
        expectError("offset needs 1 or 2 entries") { _ = try symmetricShift(.zeros([2, 2]), offset: [1, 1, 1]) }
        expectError("one size per input dimension") { _ = try resizeBilinearND(.zeros([2, 2]), shape: [4]) }
        expectError("at least 1") { _ = try resizeBilinearND(.zeros([2, 2]), shape: [0, 4]) }
    }

    // MARK: Lowres tensors and the Laplacian pyramid

    @Test func lowresTensorByHand() throws {
        // Underlying [a, b] = [1, 3] on one row, upsampled to width 4: src = 0, 0.5, 1, 1.5, so
        // [a, (a + b)/2, b, b] = [1, 2, 3, 3]; with an offset of 1 along the width the first value is
        // mirrored in: [a, a, (a + b)/2, b] = [1, 1, 2, 3].
        let plain = try LowresTensor(shape: [1, 1, 1, 4], underlyingShape: [1, 1, 1, 2])
        let u = Tensor(shape: [1, 1, 1, 2], scalars: [1, 3])
        #expect(try plain.image(parameters: [u]).scalars == [1, 2, 3, 3])
        let offset = try LowresTensor(shape: [1, 1, 1, 4], underlyingShape: [1, 1, 1, 2], offset: [0, 0, 0, 1])
        #expect(try offset.image(parameters: [u]).scalars == [1, 1, 2, 3])
        // Lucid's offset=True: int(shape/underlying/2) per dimension: 1/1/2 → 0, 8/2/2 → 2, 9/2/2 = 2.25 → 2.
        #expect(LowresTensor.halfRatioOffset(shape: [1, 3, 8, 9], underlyingShape: [1, 3, 2, 2]) == [0, 0, 2, 2])
    }

    @Test func laplacianPyramidByHand() throws {
        // Two levels on a 2×2 image: level 0 is the pixels P, level 1 a single value q upsampled to
        // every pixel, so the image is P + q.
        let pyramid = try LaplacianPyramidImage(shape: [1, 1, 2, 2], levels: 2)
        #expect(pyramid.parameterShapes == [[1, 1, 2, 2], [1, 1, 1, 1]])
        let image = try pyramid.image(parameters: [Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]),
                                                   Tensor(shape: [1, 1, 1, 1], scalars: [10])])
        #expect(image.scalars == [11, 12, 13, 14])
        // Four levels on 8×6: 8×6, 4×3, 2×1, 1×0 — the last is empty, so that is an error.
        #expect(try LaplacianPyramidImage(shape: [1, 3, 8, 8]).parameterShapes.map { $0[2] } == [8, 4, 2, 1])
        expectError("would be empty") { _ = try LaplacianPyramidImage(shape: [1, 3, 8, 6]) }
        expectError("at least 1") { _ = try LaplacianPyramidImage(shape: [1, 3, 8, 8], levels: 0) }
    }

    // MARK: Gradients through every parameterization

    @Test func gradientsMatchCentralDifferences() throws {
        let cases: [(String, any ImageParameterization)] = [
            ("pixel", try PixelImage(shape: [1, 2, 3, 2])),
            ("fourier lucent odd width", try FourierImage(shape: [1, 2, 3, 5], decayPower: 1.5)),
            ("fourier lucid odd width", try FourierImage(shape: [1, 1, 4, 3], convention: .lucid)),
            ("lowres with offset", try LowresTensor(shape: [1, 2, 4, 5], underlyingShape: [1, 2, 2, 3], offset: [0, 0, 1, 2])),
            ("laplacian pyramid", try LaplacianPyramidImage(shape: [1, 1, 4, 4], levels: 3)),
            ("valid rgb fourier tanh", try ValidRGBImage(try FourierImage(shape: [1, 3, 3, 4]), squash: .tanh)),
            ("valid rgb pixel no decorrelation", try ValidRGBImage(try PixelImage(shape: [2, 3, 2, 2]), decorrelation: nil)),
            ("rgba", try RGBAImage(try FourierImage(shape: [1, 4, 3, 3]))),
            ("lucid image", try lucidImage(width: 3, height: 2)),
        ]
        for (index, (_, p)) in cases.enumerated() {
            try expectGradientsMatchFiniteDifferences(p, seed: UInt64(100 + index), parameterScale: 0.7)
        }
    }

    // MARK: Initialization

    @Test func sameSeedGivesBitwiseSameParameters() throws {
        let parameterizations: [any ImageParameterization] = [
            try PixelImage(shape: [1, 3, 4, 4]),
            try FourierImage(shape: [2, 3, 5, 7], sd: 0.02),
            try LaplacianPyramidImage(shape: [1, 3, 8, 8]),
            try lucidImage(width: 6, alpha: true),
        ]
        for p in parameterizations {
            var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
            let first = p.initialParameters(&a), second = p.initialParameters(&b), other = p.initialParameters(&c)
            #expect(first.map { $0.scalars.map(\.bitPattern) } == second.map { $0.scalars.map(\.bitPattern) })
            #expect(first != other)
            #expect(first.map(\.shape) == p.parameterShapes)
        }
    }

    @Test func initialValuesHaveTheRequestedSpread() throws {
        // sd · N(0, 1): over 3·64·64 = 12288 draws the sample standard deviation is within 3% of sd.
        var rng = RandomGenerator(seed: 9)
        let values = try PixelImage(shape: [1, 3, 64, 64], sd: 0.01).initialParameters(&rng)[0].scalars
        let mean = values.reduce(0, +) / Double(values.count)
        let sd = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        #expect(abs(sd - 0.01) <= 0.0003)
    }

    @Test func badParameterizationsAreErrors() throws {
        expectError("at least 1") { _ = try PixelImage(shape: [1, 3, 0, 4]) }
        expectError("(B, C, H, W)") { _ = try FourierImage(shape: [3, 4, 4]) }
        expectError("sd must be finite and non-negative") { _ = try FourierImage(shape: [1, 3, 4, 4], sd: -1) }
        expectError("offset 5 of dimension 2") {
            _ = try LowresTensor(shape: [1, 1, 4, 4], underlyingShape: [1, 1, 2, 2], offset: [0, 0, 5, 0])
        }
        expectError("does not take the 4 channels") { _ = try ValidRGBImage(try PixelImage(shape: [1, 4, 2, 2])) }
        // Parameters of the wrong number or shape.
        let p = try FourierImage(shape: [1, 3, 4, 4])
        expectError("parameter 0") { _ = try p.image(parameters: [.zeros([1, 3, 4, 4])]) }
        expectError("expected 1 parameter tensor") { _ = try p.image(parameters: []) }
    }
}
