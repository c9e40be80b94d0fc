import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// The image measures of the evidence tests, checked on images whose answers
/// are known by hand: pure sinusoids put all their power in one pair of
/// frequencies, so their orientation, frequency and high-frequency share are
/// exact.
@Suite("Evidence measures")
struct AnalysisTests {
    /// sin(2π(fx·x + fy·y)) on an n×n grid, x the column and y the row, as (1, 1, n, n).
    static func wave(_ n: Int, fx: Double, fy: Double, amplitude: Double = 1, offset: Double = 0) -> Tensor {
        var scalars = [Double]()
        for y in 0..<n {
            for x in 0..<n { scalars.append(offset + amplitude * sin(2 * Double.pi * (fx * Double(x) + fy * Double(y)))) }
        }
        return Tensor(shape: [1, 1, n, n], scalars: scalars)
    }

    // MARK: Pearson correlation

    @Test func pearsonOfWorkedExamples() throws {
        let a = Tensor(shape: [4], scalars: [1, 2, 3, 4])
        #expect(abs(try pearsonCorrelation(a, Tensor(shape: [4], scalars: [2, 4, 6, 8])) - 1) < 1e-15)
        #expect(abs(try pearsonCorrelation(a, Tensor(shape: [4], scalars: [8, 6, 4, 2])) + 1) < 1e-15)
        // Deviations (−1, 0, 1) and (−1, 1, 0): Σ products 1, Σ squares 2 and 2, r = 1/2.
        let r = try pearsonCorrelation(Tensor(shape: [3], scalars: [1, 2, 3]), Tensor(shape: [3], scalars: [1, 3, 2]))
        #expect(abs(r - 0.5) < 1e-15)
    }

    @Test func pearsonIgnoresGainAndOffset() throws {
        var rng = RandomGenerator(seed: 9)
        let a = rng.normalTensor([2, 3, 4]), noise = rng.normalTensor([2, 3, 4])
        let b = a.zipMap(noise) { $0 + 0.5 * $1 }
        let r = try pearsonCorrelation(a, b)
        #expect(r > 0.5 && r < 1)
        #expect(abs(try pearsonCorrelation(a, b.map { 3 * $0 - 7 }) - r) < 1e-12)
    }

    @Test func pearsonRefusesWhatIsUndefined() {
        #expect(throws: RefvisError.self) { try pearsonCorrelation(Tensor(shape: [3], scalars: [1, 2, 3]), Tensor(shape: [1, 3], scalars: [1, 2, 3])) }
        #expect(throws: RefvisError.self) { try pearsonCorrelation(Tensor(shape: [1], scalars: [1]), Tensor(shape: [1], scalars: [2])) }
        #expect(throws: RefvisError.self) { try pearsonCorrelation(Tensor(shape: [3], scalars: [1, 1, 1]), Tensor(shape: [3], scalars: [1, 2, 3])) }
    }

    // MARK: High-frequency fraction

    @Test func sinusoidsBelowAndAboveTheCutoff() throws {
        // Period 8 px: ρ = 1/8 < 1/4, all low. Period 8/3 px: ρ = 3/8 > 1/4, all high.
        #expect(try highFrequencyFraction(Self.wave(16, fx: 1.0 / 8, fy: 0)) < 1e-12)
        #expect(abs(try highFrequencyFraction(Self.wave(16, fx: 0, fy: 3.0 / 8)) - 1) < 1e-12)
        // The diagonal wave (1/8, 1/8) has ρ = √2/8 ≈ 0.177: low for ¼, high for 0.15.
        let diagonal = Self.wave(16, fx: 1.0 / 8, fy: 1.0 / 8)
        #expect(try highFrequencyFraction(diagonal) < 1e-12)
        #expect(abs(try highFrequencyFraction(diagonal, cutoff: 0.15) - 1) < 1e-12)
    }

    @Test func mixtureSplitsByPower() throws {
        // Amplitudes 1 (low) and 2 (high) in two channels: power 1 : 4, HF = 4/5,
        // whatever constant each channel is offset by.
        let low = Self.wave(16, fx: 1.0 / 8, fy: 0, offset: 0.5)
        let high = Self.wave(16, fx: 3.0 / 8, fy: 1.0 / 4, amplitude: 2, offset: -3)
        let image = Tensor(shape: [1, 2, 16, 16], scalars: low.scalars + high.scalars)
        #expect(abs(try highFrequencyFraction(image) - 0.8) < 1e-12)
    }

    @Test func whiteNoiseIsMostlyHighFrequency() throws {
        // A flat spectrum: the share of [−½, ½)² outside the circle of radius ¼, 1 − π/16 ≈ 0.804.
        var rng = RandomGenerator(seed: 3)
        let fraction = try highFrequencyFraction(rng.normalTensor([1, 3, 64, 64]))
        #expect(abs(fraction - (1 - Double.pi / 16)) < 0.03, "\(fraction)")
    }

    @Test func highFrequencyRefusesBadInput() {
        #expect(throws: RefvisError.self) { try highFrequencyFraction(Tensor(repeating: 0.5, shape: [1, 3, 8, 8])) }
        #expect(throws: RefvisError.self) { try highFrequencyFraction(Self.wave(8, fx: 0.25, fy: 0), cutoff: 0.9) }
        #expect(throws: RefvisError.self) { try highFrequencyFraction(Self.wave(8, fx: 0.25, fy: 0), cutoff: -0.1) }
        #expect(throws: RefvisError.self) { try highFrequencyFraction(Tensor(shape: [4], scalars: [1, 2, 3, 4])) }
    }

    // MARK: Dominant orientation

    /// Bands run perpendicular to the wave vector: a wave along y (rows differ,
    /// each row constant) is horizontal stripes, 0°; along x + y, bands along
    /// x + y = const rise to the right on screen, 45°.
    /// (f_x, f_y, orientation): the last is atan2(−3, 1) + 180° = 108.4349…°.
    static let waves: [(Double, Double, Double)] = [
        (0, 0.125, 0), (0.125, 0, 90), (0.125, 0.125, 45), (0.125, -0.125, 135), (-0.1875, 0.0625, 108.43494882292201),
    ]

    @Test(arguments: waves)
    func sinusoidOrientation(fx: Double, fy: Double, expected: Double) throws {
        let peak = try dominantFrequency(Self.wave(16, fx: fx, fy: fy))
        #expect(abs(peak.orientationDegrees - expected) < 1e-9, "\(peak)")
        #expect(abs(peak.frequency - (fx * fx + fy * fy).squareRoot()) < 1e-12)
        #expect(abs(peak.share - 1) < 1e-12)
    }

    @Test func theStrongestOfTwoWavesWins() throws {
        let weak = Self.wave(32, fx: 0, fy: 1.0 / 8), strong = Self.wave(32, fx: 1.0 / 4, fy: 0, amplitude: 1.5)
        let peak = try dominantFrequency(Tensor(shape: [1, 2, 32, 32], scalars: weak.scalars + strong.scalars))
        #expect(peak.orientationDegrees == 90)
        #expect(abs(peak.fx) == 0.25 && peak.fy == 0)
        #expect(abs(peak.share - 2.25 / 3.25) < 1e-12)
    }

    /// A strong slow wave (period 16 px, vertical bands) and a weaker fast one
    /// (period 4 px, horizontal bands): the peak is the slow one unless the
    /// search starts above its frequency.
    @Test func minimumFrequencySkipsSlowShading() throws {
        let slow = Self.wave(32, fx: 1.0 / 16, fy: 0, amplitude: 2), fast = Self.wave(32, fx: 0, fy: 0.25)
        let image = Tensor(shape: [1, 2, 32, 32], scalars: slow.scalars + fast.scalars)
        #expect(try dominantFrequency(image).orientationDegrees == 90)
        let banded = try dominantFrequency(image, minimumFrequency: 0.1)
        #expect(banded.orientationDegrees == 0 && banded.frequency == 0.25)
        #expect(throws: RefvisError.self) { try dominantFrequency(slow, minimumFrequency: 0.5) }
        #expect(throws: RefvisError.self) { try dominantFrequency(slow, minimumFrequency: 0.7) }
    }

    /// Stripes at 30° with period 6 px on 32×32 pixels: the wave vector
    /// (sin 30°, cos 30°)/6 lies between grid points, (2.67, 4.62) bins, so the
    /// image's own grid has peaks only at whole bins (31.0° at (3, 5), 36.9°
    /// at (3, 4), …); zero-padded four times, the peak is within half a bin of
    /// (10.67, 18.48) on the 128-point grid, i.e. within atan(0.71/21.3) ≈ 1.9°
    /// of 30° and 0.71/128 cycles per pixel of 1/6.
    @Test func oversamplingResolvesTheOrientation() throws {
        let angle = 30 * Double.pi / 180
        let image = Self.wave(32, fx: sin(angle) / 6, fy: cos(angle) / 6)
        let coarse = try dominantFrequency(image)
        #expect((coarse.fx * 32).rounded() == coarse.fx * 32 && (coarse.fy * 32).rounded() == coarse.fy * 32)
        let fine = try dominantFrequency(image, oversampling: 4)
        #expect(abs(fine.orientationDegrees - 30) <= 1.9, "\(fine)")
        #expect(abs(fine.frequency - 1.0 / 6) <= 0.5 * 2.0.squareRoot() / 128, "\(fine)")
        #expect(throws: RefvisError.self) { try dominantFrequency(image, oversampling: 0) }
    }

    /// The convention is the dataset's: every stripe image of the procedural
    /// patterns has its dominant orientation within a few degrees of its
    /// class's (±5° jitter plus the 64-pixel frequency grid).
    @Test func datasetStripesHaveTheirClassOrientation() throws {
        let patterns = try ProceduralPatterns(size: 64)
        for index in 0..<36 {
            let (image, label) = try patterns.sample(index: index, seed: 11)
            guard let expected = PatternClass(rawValue: label)?.stripeOrientation else { continue }
            let peak = try dominantFrequency(image)
            #expect(orientationDistance(peak.orientationDegrees, expected) <= 12, "sample \(index): \(peak), expected \(expected)°")
        }
    }

    @Test func orientationDistanceIsModulo180() {
        #expect(orientationDistance(170, 10) == 20)
        #expect(orientationDistance(0, 90) == 90)
        #expect(orientationDistance(45, 225) == 0)
        #expect(orientationDistance(135, 0) == 45)
    }

    @Test func constantImageHasNoOrientation() {
        #expect(throws: RefvisError.self) { try dominantFrequency(Tensor(repeating: 0.2, shape: [3, 5, 5])) }
    }
}
