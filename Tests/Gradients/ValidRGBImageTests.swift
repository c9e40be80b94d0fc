import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The last steps of an image parameterization: squashing into valid RGB
/// (after decorrelation and a mean), alpha compositing with its gradient
/// routes, and Lucid's image_sample.
@Suite("Image parameterizations: valid RGB, RGBA and compositing, image_sample")
struct ValidRGBImageTests {
    // MARK: Valid RGB

    @Test func sigmoidAndTanhSquashIntoTheUnitInterval() throws {
        let tape = Tape()
        let values: [Double] = [-30, -3, -0.5, 0, 0.5, 3, 30, 1e-3, -1e-3, 7, -7, 2]
        let t = tape.variable(Tensor(shape: [1, 3, 2, 2], scalars: values))
        for squash in RGBSquash.allCases {
            let rgb = tape.value(try toValidRGB(on: tape, t, squash: squash))
            #expect(rgb.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
            #expect(rgb[0, 0, 1, 1] == 0.5) // value 0 maps to the middle
            // Both are increasing.
            #expect(rgb[0, 0, 0, 0] < rgb[0, 0, 0, 1] && rgb[0, 0, 0, 1] < rgb[0, 0, 1, 0])
        }
        // (tanh x + 1)/2 = σ(2x): at x = 0.5, σ(1) = 1/(1 + e⁻¹) = 0.7310586.
        let tanhRGB = tape.value(try toValidRGB(on: tape, t, squash: .tanh))
        #expect(abs(tanhRGB[0, 1, 0, 0] - 1 / (1 + exp(-1.0))) <= 1e-15)
        for (value, squashed) in zip(values, tanhRGB.scalars) { #expect(abs(squashed - sigmoid(2 * value)) <= 1e-15) }
    }

    @Test func validRGBDecorrelatesThenSquashes() throws {
        // A latent pixel (1, 0, 0) with Lucid's matrix: σ(column 0) = σ((0.26, 0.27, 0.27)/√0.2134).
        let tape = Tape()
        let t = tape.variable(Tensor(shape: [1, 3, 1, 1], scalars: [1, 0, 0]))
        let rgb = tape.value(try toValidRGB(on: tape, t, decorrelation: ColorCorrelation.lucidNormalized))
        #expect(close(rgb.scalars, [0.26, 0.27, 0.27].map { sigmoid($0 / 0.2134.squareRoot()) }, 1e-15))
        // A mean is added per channel before squashing: σ(0 + 0.48) etc. with no matrix.
        let zero = tape.variable(.zeros([1, 3, 1, 1]))
        let shifted = tape.value(try toValidRGB(on: tape, zero, mean: ColorCorrelation.lucidMean))
        #expect(close(shifted.scalars, ColorCorrelation.lucidMean.map(sigmoid), 1e-15))
        expectError("mean has 2 values") { _ = try toValidRGB(on: tape, zero, mean: [1, 2]) }
        expectError("needs 3 input channels") {
            _ = try toValidRGB(on: tape, tape.variable(.zeros([1, 4, 1, 1])), decorrelation: ColorCorrelation.lucidNormalized)
        }
    }

    // MARK: RGBA and compositing

    @Test func compositeRoutesGradientsToOneSide() throws {
        // One pixel per channel: rgb = (0.2, 0.6, 0.9), α = 0.25, bg = (1, 0, 0.5), loss = Σ w·out
        // with w = (1, 2, 3). out = rgb·α + (1 − α)·bg = (0.05 + 0.75, 0.15 + 0, 0.225 + 0.375).
        let tape = Tape()
        let rgb = tape.variable(Tensor(shape: [1, 3, 1, 1], scalars: [0.2, 0.6, 0.9]))
        let alpha = tape.variable(Tensor(shape: [1, 1, 1, 1], scalars: [0.25]))
        let bg = tape.variable(Tensor(shape: [1, 3, 1, 1], scalars: [1, 0, 0.5]))
        let w = tape.variable(Tensor(shape: [1, 3, 1, 1], scalars: [1, 2, 3]))
        for route in CompositeGradients.allCases {
            let out = try alphaComposite(on: tape, rgb: rgb, alpha: alpha, background: bg, gradients: route)
            #expect(close(tape.value(out).scalars, [0.8, 0.15, 0.6], 1e-15))
            let loss = try tape.apply1("sum", [try tape.apply1("mul", [out, w])])
            let g = try tape.gradients(of: loss, withRespectTo: [rgb, alpha, bg])
            switch route {
            case .foreground:
                // ∂/∂rgb = α·w = (0.25, 0.5, 0.75); ∂/∂α = Σ w·(rgb − bg) = −0.8 + 1.2 + 1.2 = 1.6; bg: 0.
                #expect(close(g[0].scalars, [0.25, 0.5, 0.75], 1e-15))
                #expect(close(g[1].scalars, [1.6], 1e-15))
                #expect(g[2].scalars == [0, 0, 0])
            case .background:
                // Only the background learns: ∂/∂bg = (1 − α)·w = (0.75, 1.5, 2.25).
                #expect(g[0].scalars == [0, 0, 0])
                #expect(g[1].scalars == [0])
                #expect(close(g[2].scalars, [0.75, 1.5, 2.25], 1e-15))
            }
        }
    }

    @Test func rgbaImageAndBothCompositesThroughTheTape() throws {
        // Lucid's param.image(w, alpha=True) over a Fourier background, as seed 003 builds it.
        let foreground = try lucidImage(width: 5, height: 4, alpha: true)
        #expect(foreground.imageShape == [1, 4, 4, 5])
        let background = try lucidImage(width: 5, height: 4)
        var rng = RandomGenerator(seed: 4)
        let tape = Tape()
        let (fgParameters, rgba) = try foreground.makeImage(on: tape, rng: &rng)
        let (bgParameters, bg) = try background.makeImage(on: tape, rng: &rng)
        let value = tape.value(rgba)
        #expect(value.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        let (rgb, alpha) = try splitRGBA(on: tape, rgba)
        let both = try alphaCompositeBothWays(on: tape, rgb: rgb, alpha: alpha, background: bg)
        #expect(tape.value(both).shape == [2, 3, 4, 5])
        // Batch 0 trains only the foreground, batch 1 only the background.
        let first = try tape.apply1("sum", [try tape.apply1("narrow", [both], ["dim": .int(0), "start": .int(0), "length": .int(1)])])
        let second = try tape.apply1("sum", [try tape.apply1("narrow", [both], ["dim": .int(0), "start": .int(1), "length": .int(1)])])
        let g1 = try tape.gradients(of: first, withRespectTo: fgParameters + bgParameters)
        #expect(g1[0].maxAbs > 0 && g1[1].maxAbs == 0)
        let g2 = try tape.gradients(of: second, withRespectTo: fgParameters + bgParameters)
        #expect(g2[0].maxAbs == 0 && g2[1].maxAbs > 0)
        expectError("4 channels") { _ = try RGBAImage(try PixelImage(shape: [1, 3, 2, 2])) }
        expectError("(B, 4, H, W)") { _ = try splitRGBA(on: tape, bg) }
    }

    // MARK: image_sample

    @Test func imageSampleIsARandomValidImage() throws {
        var rng = RandomGenerator(seed: 1), again = RandomGenerator(seed: 1)
        let sample = try imageSample(shape: [2, 3, 8, 9], sd: 0.5, decayPower: 1.5, rng: &rng)
        #expect(sample.shape == [2, 3, 8, 9])
        #expect(sample.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        #expect(try imageSample(shape: [2, 3, 8, 9], sd: 0.5, decayPower: 1.5, rng: &again) == sample)
        // The two pictures of the batch are different draws.
        #expect(Array(sample.scalars[0..<216]) != Array(sample.scalars[216...]))
        // sd = 0 (kept, as Lucid's `0.01 if sd is None else sd`): a flat σ(0) = 0.5.
        let flat = try imageSample(shape: [1, 3, 4, 4], sd: 0, rng: &rng)
        #expect(flat.scalars.allSatisfy { $0 == 0.5 })
        // Without decorrelation any channel count works.
        #expect(try imageSample(shape: [1, 1, 4, 4], decorrelation: nil, rng: &rng).shape == [1, 1, 4, 4])
        expectError("does not take the 1 channels") { _ = try imageSample(shape: [1, 1, 4, 4], rng: &rng) }
    }

    /// Writes the picture of Docs/fourier-images-and-colour.md when REFVIS_WRITE_DOC_IMAGES names
    /// a directory: rows of 48×48 decorrelated samples at decay powers 1, 1.5, 2 with seed 003's
    /// sd = 0.4·20^(1 − decay_power)·n/4 for n = 1…5, 4-pixel white gutters.
    /// The samples are valid colours; the picture is written only when asked.
    @Test func documentationPictureIsValidAndWritable() throws {
        let directory = ProcessInfo.processInfo.environment["REFVIS_WRITE_DOC_IMAGES"]
        let (size, gutter, columns) = (48, 4, 5)
        let decays = [1.0, 1.5, 2.0]
        let height = decays.count * (size + gutter) + gutter, width = columns * (size + gutter) + gutter
        var canvas = Tensor(repeating: 1, shape: [1, 3, height, width])
        var rng = RandomGenerator(seed: 2018)
        for (row, decay) in decays.enumerated() {
            for column in 0..<columns {
                let sd = 0.4 * pow(20, 1 - decay) * Double(column + 1) / 4
                let sample = try imageSample(shape: [1, 3, size, size], sd: sd, decayPower: decay, rng: &rng)
                for c in 0..<3 {
                    for y in 0..<size {
                        for x in 0..<size {
                            canvas[0, c, gutter + row * (size + gutter) + y, gutter + column * (size + gutter) + x] = sample[0, c, y, x]
                        }
                    }
                }
            }
        }
        #expect(canvas.scalars.allSatisfy { $0 >= 0 && $0 <= 1 })
        let png = try PNG.encode(canvas)
        #expect(png.count > 1000)
        if let directory { try PNG.write(canvas, to: directory + "/image-samples.png") }
    }
}
