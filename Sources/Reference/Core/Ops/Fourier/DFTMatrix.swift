import Foundation

/// cos(2π·p/q) and sin(2π·p/q) for integers 0 ≤ p < q, reduced by symmetry to an
/// angle in [0, π/4] before calling cos and sin, so that
/// - the quarter turns are exact: p/q ∈ {0, 1/4, 1/2, 3/4} give exactly 0 and ±1
///   (the Nyquist column of a real inverse then has sin = 0 exactly, not 1.2e-16);
/// - symmetric angles give bitwise-symmetric values: cos(2π(q−p)/q) = cos(2πp/q),
///   sin(2π(q−p)/q) = −sin(2πp/q);
/// - no large angle is ever formed: the caller reduces j·k mod n in integers first.
func unitCircle(_ p: Int, _ q: Int) -> (cos: Double, sin: Double) {
    if 2 * p > q {
        // (π, 2π): reflect through the real axis.
        let (c, s) = unitCircle(q - p, q)
        return (c, -s)
    }
    if 4 * p > q {
        // (π/2, π]: the angle is π − 2π(q − 2p)/(2q).
        let (c, s) = unitCircle(q - 2 * p, 2 * q)
        return (-c, s)
    }
    if 8 * p > q {
        // (π/4, π/2]: the angle is π/2 − 2π(q − 4p)/(4q).
        let θ = 2 * Double.pi * Double(q - 4 * p) / Double(4 * q)
        return (Foundation.sin(θ), Foundation.cos(θ))
    }
    let θ = 2 * Double.pi * Double(p) / Double(q)
    return (Foundation.cos(θ), Foundation.sin(θ))
}

/// A rows×columns matrix of complex weights, stored as two row-major planes.
///
/// The DFT kernels compute output[k] = Σⱼ M[j, k]·input[j] for j < rows: row j
/// belongs to input entry j, column k to output entry k. Cropping the input is
/// reading fewer rows than the input has; zero-padding it is a period longer
/// than the rows read.
struct DFTMatrix: Sendable {
    let rows: Int
    let columns: Int
    var real: [Double]
    var imag: [Double]

    /// M[j, k] = scale·w_row(j)·w_column(k)·e^{sign·2πi·jk/n} for j < n and k < n,
    /// and 0 when j ≥ n or k ≥ n (entries a crop removed or a pad added).
    /// The twiddle factors are computed per call from j·k mod n in integers.
    init(period n: Int, rows: Int, columns: Int, sign: Double, scale: Double,
         rowWeights: [Double]? = nil, columnWeights: [Double]? = nil) {
        self.rows = rows
        self.columns = columns
        var cosines = [Double](repeating: 0, count: n), sines = [Double](repeating: 0, count: n)
        for r in 0..<n { (cosines[r], sines[r]) = unitCircle(r, n) }
        var real = [Double](repeating: 0, count: rows * columns)
        var imag = [Double](repeating: 0, count: rows * columns)
        for j in 0..<min(rows, n) {
            let rowWeight = scale * (rowWeights?[j] ?? 1)
            var r = 0  // j·k mod n, advanced by j per column
            for k in 0..<min(columns, n) {
                let weight = rowWeight * (columnWeights?[k] ?? 1)
                real[j * columns + k] = weight * cosines[r]
                imag[j * columns + k] = sign * weight * sines[r]
                r += j
                if r >= n { r -= n }
            }
        }
        self.real = real
        self.imag = imag
    }

    /// Sets the imaginary part of row j to exactly zero: an inverse real DFT
    /// ignores the imaginary part of input j (its contribution is ±0, and a nan
    /// there still propagates through 0·nan, as in NumPy 2).
    mutating func zeroImaginary(row j: Int) {
        for k in 0..<columns { imag[j * columns + k] = 0 }
    }

    /// Sets the imaginary part of column k to exactly zero: the adjoint of an
    /// inverse real DFT gives no gradient to the imaginary parts it ignored.
    mutating func zeroImaginary(column k: Int) {
        for j in 0..<rows { imag[j * columns + k] = 0 }
    }
}

/// The Hermitian weights of an inverse real DFT of n points: a half spectrum
/// X[0…n/2] stands for the full one, so every column that has a mirror
/// X[n − k] = conj X[k] is counted twice; DC and (for even n) Nyquist once.
func hermitianWeights(count: Int, length n: Int) -> [Double] {
    (0..<count).map { k in (k == 0 || 2 * k == n) ? 1 : 2 }
}

/// Whether a real signal of n points forces X[k] to be real (DC, and Nyquist
/// for even n): an inverse real DFT ignores the imaginary part of those columns.
func isSelfConjugate(_ k: Int, length n: Int) -> Bool {
    k == 0 || 2 * k == n
}
