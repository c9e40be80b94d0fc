import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// Straight bands at an angle: s = sin(2π·u/period + phase) with u the
/// distance along the bands' normal, shaped by a `WaveProfile`.
///
/// The bands run at `angle` measured counter-clockwise from the x axis as seen
/// on screen (y grows downwards), so their normal is (sin θ, cos θ) and
/// u = x·sin θ + y·cos θ: θ = 0 gives u = y (horizontal bands), 45° gives
/// u = (x + y)/√2, bands along x + y = const, which rise to the right ("/").
struct StripeMask: PatternMask {
    let normalX: Double
    let normalY: Double
    let period: Double
    let phase: Double
    let profile: WaveProfile

    /// Random draws, in this order: angle jitter uniform in [−5°, 5°), period
    /// uniform in [4, 10) px, phase uniform in [0, 2π), the profile's sharpness.
    static func draw(angleDegrees: Double, _ rng: inout RandomGenerator) -> StripeMask {
        let jitter = rng.uniform(-5, 5)
        let period = rng.uniform(4, 10)
        let phase = rng.uniform(0, 2 * Double.pi)
        let profile = WaveProfile.draw(&rng)
        let theta = (angleDegrees + jitter) * Double.pi / 180
        return StripeMask(normalX: sin(theta), normalY: cos(theta), period: period, phase: phase, profile: profile)
    }

    func coverage(x: Double, y: Double) -> Double {
        let u = x * normalX + y * normalY
        return profile.coverage(sin(2 * Double.pi * u / period + phase))
    }
}

/// Bands that wiggle: the stripe coordinate is displaced by a sinusoid along
/// the bands, u = b − A·sin(2π·a/λ + ψ), where a runs along the bands and b
/// across them. The amplitude is set from the steepest slope the bands reach,
/// A = slope·λ/2π with slope in [0.7, 1.4) (35° to 54°), so that the bands are
/// always visibly curved and never look straight.
struct WaveMask: PatternMask {
    let vertical: Bool
    let period: Double
    let phase: Double
    let wavelength: Double
    let amplitude: Double
    let wavePhase: Double
    let profile: WaveProfile

    /// Random draws, in this order: orientation (a fair coin: vertical bands
    /// when the integer in 0..<2 is 1), period uniform in [5, 10) px, phase in
    /// [0, 2π), wavelength λ in [10, 18) px, steepest slope in [0.7, 1.4), wave
    /// phase ψ in [0, 2π), the profile's sharpness.
    static func draw(_ rng: inout RandomGenerator) -> WaveMask {
        let vertical = rng.integer(in: 0..<2) == 1
        let period = rng.uniform(5, 10)
        let phase = rng.uniform(0, 2 * Double.pi)
        let wavelength = rng.uniform(10, 18)
        let slope = rng.uniform(0.7, 1.4)
        let wavePhase = rng.uniform(0, 2 * Double.pi)
        let profile = WaveProfile.draw(&rng)
        return WaveMask(vertical: vertical, period: period, phase: phase, wavelength: wavelength,
                        amplitude: slope * wavelength / (2 * Double.pi), wavePhase: wavePhase, profile: profile)
    }

    func coverage(x: Double, y: Double) -> Double {
        let (along, across) = vertical ? (y, x) : (x, y)
        let u = across - amplitude * sin(2 * Double.pi * along / wavelength + wavePhase)
        return profile.coverage(sin(2 * Double.pi * u / period + phase))
    }
}
