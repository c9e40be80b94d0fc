import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The strongest periodic pattern of an image: the peak of its power spectrum.
public struct DominantFrequency: Sendable, Equatable {
    /// The orientation of the bands, in degrees in [0, 180): the direction
    /// the stripes run, counter-clockwise from the x axis as seen on screen
    /// (y grows downwards) — the convention of `PatternClass`. Horizontal
    /// stripes (rows alike) are 0°, stripes rising to the right ("/") 45°,
    /// vertical stripes (columns alike) 90°, stripes like "\" 135°.
    public let orientationDegrees: Double
    /// The radial frequency ρ of the peak in cycles per pixel (1/ρ is the period in pixels).
    public let frequency: Double
    /// The peak's horizontal and vertical frequencies (f_x, f_y), cycles per pixel.
    public let fx: Double
    public let fy: Double
    /// The share of the total power at the peak and its mirror (−f_x, −f_y)
    /// (of the oversampled grid's total when oversampled).
    public let share: Double
}

/// The peak of the mean-free power spectrum (see `PowerSpectrum`; channels
/// summed, DC excluded) and the orientation of the bands it stands for.
///
/// A peak at (f_x, f_y) is the plane wave cos(2π(f_x·x + f_y·y) + φ), whose
/// bands run perpendicular to (f_x, f_y):
///
///     orientation = atan2(f_x, f_y) in degrees, reduced modulo 180 to [0, 180)
///
/// (a real image's spectrum is symmetric, P(f) = P(−f), and both peaks give the
/// same orientation). So a horizontal-stripe image, whose rows are alike, has
/// its peak at f_x = 0 and orientation 0°; vertical stripes 90°; stripes along
/// x + y = const, which rise to the right on screen ("/"), 45°. The orientation
/// is resolved only to the frequency grid: on an n×n image a peak at radius r
/// bins is quantized to about 57°/r; `oversampling` m (see `PowerSpectrum`)
/// makes that 57°/(m·r).
///
/// `minimumFrequency` restricts the search to ρ ≥ that many cycles per pixel
/// (periods of at most its inverse), to ask about patterns of a given scale
/// and ignore slow shading: the class-logit evidence looks among periods of at
/// most 16 px, the stripe classes' being 4–10 px.
///
/// Ties (equal power at different frequencies, e.g. a checkerboard's two
/// diagonals) go to the first in row-major order of (k, l). Throws for a
/// constant image, a minimum outside [0, ½] or a band without power (less
/// than 1e-12 of the total: rounding noise).
public func dominantFrequency(_ image: Tensor, minimumFrequency: Double = 0, oversampling: Int = 1) throws -> DominantFrequency {
    guard minimumFrequency.isFinite, minimumFrequency >= 0, minimumFrequency <= 0.5 else {
        throw RefvisError.usage("dominant_frequency: minimumFrequency must be in [0, 0.5] cycles per pixel, got \(formatDouble(minimumFrequency))")
    }
    let spectrum = try PowerSpectrum(image, oversampling: oversampling)
    let total = spectrum.total
    var best: Int?
    for i in 1..<max(1, spectrum.power.count) where spectrum.power[i] > 0 {
        let f = spectrum.frequency(row: i / spectrum.width, column: i % spectrum.width)
        guard (f.x * f.x + f.y * f.y).squareRoot() >= minimumFrequency else { continue }
        if best == nil || spectrum.power[i] > spectrum.power[best!] { best = i }
    }
    // A band holding less than 1e-12 of the power holds only rounding noise.
    guard total > 0, let best, spectrum.power[best] > 1e-12 * total else {
        let band = minimumFrequency > 0 ? " at frequencies of at least \(formatDouble(minimumFrequency)) cycles per pixel" : ""
        throw RefvisError("dominant_frequency: the image \(formatShape(image.shape)) has no pattern energy\(band)")
    }
    let (k, l) = (best / spectrum.width, best % spectrum.width)
    let f = spectrum.frequency(row: k, column: l)
    // The mirror (−k, −l) mod (H, W); it is the peak itself on a Nyquist row and column.
    let mirror = ((spectrum.height - k) % spectrum.height) * spectrum.width + (spectrum.width - l) % spectrum.width
    let peakPower = spectrum.power[best] + (mirror == best ? 0 : spectrum.power[mirror])
    var degrees = atan2(f.x, f.y) * 180 / Double.pi
    degrees = degrees.truncatingRemainder(dividingBy: 180)
    if degrees < 0 { degrees += 180 }
    if degrees >= 180 { degrees -= 180 }
    return DominantFrequency(orientationDegrees: degrees, frequency: (f.x * f.x + f.y * f.y).squareRoot(),
                             fx: f.x, fy: f.y, share: peakPower / total)
}

/// The angle between two orientations modulo 180°, in [0, 90].
public func orientationDistance(_ a: Double, _ b: Double) -> Double {
    var d = (a - b).truncatingRemainder(dividingBy: 180)
    if d < 0 { d += 180 }
    return min(d, 180 - d)
}
