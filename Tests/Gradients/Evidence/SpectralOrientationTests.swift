import Foundation
import Testing
import ReferenceCore
import ReferenceIO
import ReferenceVis
import ReferenceLab
import ReferenceTestSupport

/// `spectralOrientation` on images whose spectra are known: a sinusoid's
/// power sits at ±f only, so its mean orientation is exactly its own; two
/// equal waves at right angles cancel.
@Suite("Evidence measures: spectral orientation")
struct SpectralOrientationTests {
    @Test(arguments: AnalysisTests.waves)
    func sinusoidIsFullyCoherent(fx: Double, fy: Double, expected: Double) throws {
        let measured = try spectralOrientation(AnalysisTests.wave(16, fx: fx, fy: fy))
        #expect(orientationDistance(measured.orientationDegrees, expected) < 1e-9, "\(measured)")
        #expect(abs(measured.coherence - 1) < 1e-12)
    }

    /// Equal power at 0° and 90°: e^{0} + e^{iπ} = 0, no orientation at all.
    /// With amplitudes 2 and 1 (power 4 : 1) the mean is the stronger's, 90°,
    /// and the coherence (4 − 1)/(4 + 1) = 0.6.
    @Test func wavesAtRightAnglesCancelOrWeigh() throws {
        let horizontal = AnalysisTests.wave(32, fx: 0, fy: 0.25)
        let vertical = AnalysisTests.wave(32, fx: 0.25, fy: 0)
        let even = try spectralOrientation(Tensor(shape: [1, 2, 32, 32], scalars: horizontal.scalars + vertical.scalars))
        #expect(even.coherence < 1e-12)
        let strongVertical = AnalysisTests.wave(32, fx: 0.25, fy: 0, amplitude: 2)
        let weighted = try spectralOrientation(Tensor(shape: [1, 2, 32, 32], scalars: horizontal.scalars + strongVertical.scalars))
        #expect(abs(weighted.orientationDegrees - 90) < 1e-9)
        #expect(abs(weighted.coherence - 0.6) < 1e-12)
    }

    /// Stripes at 30° between grid points still average to 30° within the
    /// leakage's spread: the leaked power is nearly symmetric about the true
    /// frequency (an independent NumPy computation gives 30.72°, coherence 0.874).
    @Test func offGridStripesAverageNearTheirAngle() throws {
        let angle = 30 * Double.pi / 180
        let measured = try spectralOrientation(AnalysisTests.wave(32, fx: sin(angle) / 6, fy: cos(angle) / 6))
        #expect(orientationDistance(measured.orientationDegrees, 30) <= 3, "\(measured)")
    }

    @Test func bandWithoutPowerOrBadMinimumThrows() {
        let slow = AnalysisTests.wave(32, fx: 1.0 / 16, fy: 0)
        #expect(throws: RefvisError.self) { try spectralOrientation(slow, minimumFrequency: 0.5) }
        #expect(throws: RefvisError.self) { try spectralOrientation(slow, minimumFrequency: -1) }
    }
}
