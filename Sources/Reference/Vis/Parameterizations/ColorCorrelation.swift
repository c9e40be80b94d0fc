import ReferenceCore
import ReferenceIO
/// Lucid's colour constants (lucid/optvis/param/color.py, copied by Lucent).
///
/// Images are optimized in a "decorrelated" colour space: a latent t with independent
/// channels is mapped to RGB by a square root A of the colour covariance of natural
/// images (A·Aᵀ = C), so that white noise in t has ImageNet's colour statistics and a
/// gradient step in t moves colours along their natural directions of variation.
public enum ColorCorrelation {
    /// Lucid's `color_correlation_svd_sqrt`, estimated from ImageNet:
    ///
    ///     0.26   0.09   0.02
    ///     0.27   0.00  −0.05
    ///     0.27  −0.09   0.03
    ///
    /// Its columns are (nearly) orthogonal — it has the form P·√D from an SVD, columns the
    /// principal colour axes (luminance first) scaled by their standard deviations —
    /// rather than the symmetric square root P·√D·Pᵀ that `colorCorrelationSquareRoot`
    /// estimates; both satisfy A·Aᵀ ≈ C, and differ by a rotation of the latent space.
    public static let lucidSquareRoot = Tensor(shape: [3, 3], scalars: [
        0.26, 0.09, 0.02,
        0.27, 0.00, -0.05,
        0.27, -0.09, 0.03,
    ])

    /// Lucid's `color_correlation_normalized`: `lucidSquareRoot` divided by its largest
    /// column norm, max_j ‖A[:, j]‖₂ = ‖(0.26, 0.27, 0.27)‖ = √0.2134 ≈ 0.461952, so that
    /// no latent direction is amplified. (Lucid computes this in float32; refvis in
    /// float64, so the entries differ from Lucid's by about 1e-8.)
    public static let lucidNormalized: Tensor = {
        let a = lucidSquareRoot.scalars
        let largest = (0..<3).map { j in (0..<3).map { a[3 * $0 + j] * a[3 * $0 + j] }.reduce(0, +).squareRoot() }.max()!
        return lucidSquareRoot.map { $0 / largest }
    }()

    /// Lucid's `color_mean` (ImageNet's mean RGB), which its `to_valid_rgb` adds only in
    /// the clipping variant (decorrelate and not sigmoid).
    public static let lucidMean: [Double] = [0.48, 0.46, 0.41]

    /// A matrix divided by its largest column L2 norm, max_j (Σ_i A[i, j]²)^½, as Lucid
    /// normalizes its colour square root (`np.max(np.linalg.norm(A, axis=0))`).
    /// Throws unless the matrix is 2-d, finite and has a non-zero column.
    public static func normalizedByLargestColumnNorm(_ matrix: Tensor) throws -> Tensor {
        guard matrix.rank == 2, matrix.count > 0 else {
            throw RefvisError("normalized colour matrix: expected a non-empty 2-d matrix, got shape \(formatShape(matrix.shape))")
        }
        guard matrix.isFinite else { throw RefvisError("normalized colour matrix: the matrix has a non-finite entry") }
        let (rows, columns) = (matrix.shape[0], matrix.shape[1])
        var largest = 0.0
        for j in 0..<columns {
            var sum = 0.0
            for i in 0..<rows { sum += matrix.scalars[i * columns + j] * matrix.scalars[i * columns + j] }
            largest = max(largest, sum.squareRoot())
        }
        guard largest > 0 else { throw RefvisError("normalized colour matrix: every column is zero") }
        return matrix.map { $0 / largest }
    }
}
