import ReferenceCore
import ReferenceIO
import ReferenceVis
/// The spatial power spectrum of an image, summed over its channels: the
/// common ground of `highFrequencyFraction` and `dominantFrequency`.
///
/// For an image (…, H, W) — (H, W), (C, H, W) or (N, C, H, W) — every H×W
/// slice s (each channel of each image) has its own mean removed, then
///
///     P[k, l] = Σ_s |X_s[k, l]|²,   X_s = fft2(s − mean(s))
///
/// (`fft2` with norm "backward", so by Parseval Σₖₗ P[k, l] = H·W·Σ_s Σ (s − mean)²).
/// Removing the mean sets P[0, 0] = 0: the average colour is not a pattern.
///
/// With `oversampling` m > 1 each mean-free slice is zero-padded to (m·H, m·W)
/// before the transform (`fft2` with s = (m·H, m·W)): the same spectrum sampled
/// on an m times finer frequency grid, which resolves a peak's position
/// better; Parseval's identity then no longer holds for the sum, so ratios of
/// power (as `highFrequencyFraction`'s) use m = 1.
///
/// Frequencies are in cycles per pixel, as `numpy.fft.fftfreq`: row k of the
/// R = m·H rows stands for the vertical frequency f_y = k/R for k ≤ R/2 and
/// (k − R)/R above; column l for the horizontal frequency f_x likewise. Both lie in
/// [−½, ½); the radial frequency ρ = √(f_x² + f_y²) reaches √½ ≈ 0.707 in
/// the corners. Row index and y grow downwards, as on screen.
public struct PowerSpectrum: Sendable {
    /// The rows and columns of the frequency grid (m·H, m·W).
    public let height: Int
    public let width: Int
    /// P[k, l] in row-major order, k the vertical and l the horizontal frequency index.
    public let power: [Double]

    /// The spectrum of `image`, shape (…, H, W) with H, W ≥ 1, on a grid
    /// `oversampling` (1…16) times finer than the image's.
    public init(_ image: Tensor, oversampling: Int = 1) throws {
        guard (1...16).contains(oversampling) else {
            throw RefvisError.usage("power_spectrum: oversampling must be in 1...16, got \(oversampling)")
        }
        guard image.rank >= 2 else {
            throw RefvisError("power_spectrum: expected an image (…, H, W), got shape \(formatShape(image.shape))")
        }
        let height = image.shape[image.rank - 2], width = image.shape[image.rank - 1]
        guard height >= 1, width >= 1 else {
            throw RefvisError("power_spectrum: the image \(formatShape(image.shape)) is empty")
        }
        let plane = height * width
        let slices = image.count / plane
        // Mean-free slices as complex numbers (imaginary part 0): fft2's layout (…, H, W, 2).
        var complex = [Double](repeating: 0, count: 2 * image.count)
        for s in 0..<slices {
            let values = image.scalars[(s * plane)..<((s + 1) * plane)]
            // A constant slice is all zeros exactly (its computed mean may miss the value by an ulp).
            guard values.contains(where: { $0 != values.first! }) else { continue }
            let mean = values.reduce(0, +) / Double(plane)
            for (i, value) in values.enumerated() { complex[2 * (s * plane + i)] = value - mean }
        }
        let (rows, columns) = (oversampling * height, oversampling * width)
        let spectrum = try fft2(Tensor(shape: [slices, height, width, 2], scalars: complex), s: [rows, columns])
        let grid = rows * columns
        var power = [Double](repeating: 0, count: grid)
        for s in 0..<slices {
            for i in 0..<grid {
                let re = spectrum.scalars[2 * (s * grid + i)], im = spectrum.scalars[2 * (s * grid + i) + 1]
                power[i] += re * re + im * im
            }
        }
        power[0] = 0  // exactly, rather than the rounding residue of the removed mean
        self.height = rows
        self.width = columns
        self.power = power
    }

    /// The total power Σ P[k, l].
    public var total: Double { power.reduce(0, +) }

    /// (f_x, f_y) in cycles per pixel of row k, column l (numpy's fftfreq convention).
    public func frequency(row k: Int, column l: Int) -> (x: Double, y: Double) {
        (PowerSpectrum.signedFrequency(l, length: width), PowerSpectrum.signedFrequency(k, length: height))
    }

    /// i/n for i ≤ n/2, (i − n)/n above: `numpy.fft.fftfreq(n)[i]`.
    static func signedFrequency(_ i: Int, length n: Int) -> Double {
        Double(i <= n / 2 ? i : i - n) / Double(n)
    }
}
