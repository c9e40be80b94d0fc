import ReferenceCore
import ReferenceIO
import ReferenceVis
/// The share of an image's pattern energy at high spatial frequencies:
///
///     HF(image; c) = Σ_{ρ(k,l) > c} P[k, l] / Σ_{k,l} P[k, l]
///
/// with P the mean-free power spectrum summed over channels and ρ the radial
/// frequency in cycles per pixel (see `PowerSpectrum`). The mean of each
/// channel is excluded (P[0, 0] = 0), so a uniform colour change does not
/// count. HF lies in [0, 1]; white noise on an n×n grid has HF ≈ the share
/// of the grid's frequencies with ρ > c, 1 − π·c² for c ≤ ½ (0.80 at c = ¼).
///
/// The default cutoff, ¼ cycle per pixel (periods shorter than 4 pixels), lies
/// above every pattern the bundled model was trained on (the finest, stripes,
/// have periods of 4–10 px, ρ ≤ 0.25): energy above it is texture no class
/// needs — the high-frequency noise Distill's "Feature Visualization" (Olah et
/// al., 2017) shows a pixel-parameterized, untransformed optimization makes.
///
/// Throws for a constant image (no pattern energy: the fraction is 0/0) and
/// for a cutoff outside [0, √½].
public func highFrequencyFraction(_ image: Tensor, cutoff: Double = defaultHighFrequencyCutoff) throws -> Double {
    guard cutoff.isFinite, cutoff >= 0, cutoff <= 0.5.squareRoot() else {
        throw RefvisError.usage("high_frequency_fraction: cutoff must be in [0, 0.707] cycles per pixel, got \(formatDouble(cutoff))")
    }
    let spectrum = try PowerSpectrum(image)
    let total = spectrum.total
    guard total > 0 else {
        throw RefvisError("high_frequency_fraction: the image \(formatShape(image.shape)) is constant in every channel, so it has no pattern energy")
    }
    var high = 0.0
    for k in 0..<spectrum.height {
        for l in 0..<spectrum.width {
            let f = spectrum.frequency(row: k, column: l)
            if (f.x * f.x + f.y * f.y).squareRoot() > cutoff { high += spectrum.power[k * spectrum.width + l] }
        }
    }
    return high / total
}

/// ¼ cycle per pixel: periods shorter than 4 pixels count as high frequency.
public let defaultHighFrequencyCutoff = 0.25
