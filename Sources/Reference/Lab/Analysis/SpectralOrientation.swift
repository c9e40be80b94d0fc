import Foundation
import ReferenceCore
import ReferenceIO
import ReferenceVis

/// The orientation an image's patterns share, averaged over its whole power
/// spectrum rather than read off one peak.
public struct SpectralOrientation: Sendable, Equatable {
    /// The bands' direction in degrees in [0, 180), `DominantFrequency`'s
    /// convention (horizontal stripes 0°, "/" 45°, vertical 90°, "\" 135°).
    public let orientationDegrees: Double
    /// |z| / Σ P in [0, 1]: 1 when all the power lies along one orientation,
    /// 0 when it is spread evenly over all of them (a checkerboard's two
    /// diagonals cancel, for example).
    public let coherence: Double
}

/// The power-weighted circular mean of the orientations of an image's
/// spectrum (the Fourier-domain form of the structure tensor):
///
///     z = Σ P(f) · e^{2iθ(f)},   θ(f) = atan2(f_x, f_y)
///     orientation = ½ · arg z  (mod 180°),   coherence = |z| / Σ P(f)
///
/// over the frequencies with ρ = |f| ≥ `minimumFrequency` (cycles per pixel;
/// see `PowerSpectrum` for P and the frequency grid). θ(f) is the direction of
/// the bands of the plane wave at f, and doubling it makes θ and θ + 180° the
/// same direction, as they are for stripes.
///
/// Why not the peak (`dominantFrequency`): a rendered image holds many patches
/// of stripes at slightly different angles and periods; the single strongest
/// frequency picks one patch and is quantized to the frequency grid
/// (≈ 57°/r for a peak r bins from the centre), while the mean uses all of
/// them. Throws for an image without power in the band.
public func spectralOrientation(_ image: Tensor, minimumFrequency: Double = 0) throws -> SpectralOrientation {
    guard minimumFrequency.isFinite, minimumFrequency >= 0, minimumFrequency <= 0.5 else {
        throw RefvisError.usage("spectral_orientation: minimumFrequency must be in [0, 0.5] cycles per pixel, got \(formatDouble(minimumFrequency))")
    }
    let spectrum = try PowerSpectrum(image)
    var (re, im, total) = (0.0, 0.0, 0.0)
    for i in 0..<spectrum.power.count where spectrum.power[i] > 0 {
        let f = spectrum.frequency(row: i / spectrum.width, column: i % spectrum.width)
        guard (f.x * f.x + f.y * f.y).squareRoot() >= minimumFrequency else { continue }
        let doubled = 2 * atan2(f.x, f.y)
        re += spectrum.power[i] * cos(doubled)
        im += spectrum.power[i] * sin(doubled)
        total += spectrum.power[i]
    }
    // Less than 1e-12 of the image's power in the band is rounding noise.
    guard total > 1e-12 * spectrum.total, total > 0 else {
        throw RefvisError("spectral_orientation: the image \(formatShape(image.shape)) has no pattern energy at frequencies of at least \(formatDouble(minimumFrequency)) cycles per pixel")
    }
    var degrees = atan2(im, re) / 2 * 180 / Double.pi
    if degrees < 0 { degrees += 180 }
    if degrees >= 180 { degrees -= 180 }
    return SpectralOrientation(orientationDegrees: degrees, coherence: (re * re + im * im).squareRoot() / total)
}
