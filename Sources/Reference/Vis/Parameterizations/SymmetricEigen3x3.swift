import Foundation
import ReferenceCore
import ReferenceIO

/// The eigendecomposition A = V·diag(values)·Vᵀ of a symmetric 3×3 matrix.
public struct SymmetricEigendecomposition: Sendable, Equatable {
    /// The eigenvalues in increasing order.
    public let values: [Double]
    /// The orthonormal eigenvectors as the columns of a (3, 3) tensor, column j for
    /// values[j]; each column's largest-magnitude entry (the first of equal ones) is positive.
    public let vectors: Tensor
}

/// The eigenvalues and eigenvectors of a symmetric 3×3 matrix by cyclic Jacobi rotations.
///
/// Each rotation in the (p, q) plane zeroes A[p, q]: with τ = (A[q,q] − A[p,p]) / (2A[p,q]),
/// t = sign(τ) / (|τ| + √(1 + τ²)) (the smaller root, |t| ≤ 1), c = 1/√(1 + t²), s = t·c,
/// A ← JᵀAJ and V ← V·J (Golub & Van Loan, "Matrix Computations", §8.5). Sweeps over
/// (0,1), (0,2), (1,2) repeat until the off-diagonal part is below 1e-15 of the diagonal
/// (at most 50 sweeps; Jacobi converges quadratically, 3×3 takes about 4–6). Exact enough
/// for a colour covariance: eigenvalues to a few ulps of the largest.
///
/// Throws unless the input is (3, 3), finite and symmetric to 1e-12 relative
/// (|A[i,j] − A[j,i]| ≤ 1e-12·max|A|); the symmetric part (A + Aᵀ)/2 is decomposed.
public func symmetricEigendecomposition3x3(_ matrix: Tensor) throws -> SymmetricEigendecomposition {
    let name = "symmetric eigendecomposition"
    try matrix.requireShape([3, 3], name)
    guard matrix.isFinite else { throw RefvisError("\(name): the matrix has a non-finite entry") }
    let m = matrix.scalars
    let largest = matrix.maxAbs
    var a = [[Double]](repeating: [0, 0, 0], count: 3)
    for i in 0..<3 {
        for j in 0..<3 {
            guard abs(m[3 * i + j] - m[3 * j + i]) <= 1e-12 * largest else {
                throw RefvisError("\(name): the matrix is not symmetric: A[\(i), \(j)] = \(formatDouble(m[3 * i + j])) but A[\(j), \(i)] = \(formatDouble(m[3 * j + i]))")
            }
            a[i][j] = (m[3 * i + j] + m[3 * j + i]) / 2
        }
    }
    var v: [[Double]] = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    for _ in 0..<50 {
        let off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2]
        let diagonal = a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2]
        if off <= 1e-30 * diagonal || off == 0 { break }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] where a[p][q] != 0 {
            let tau = (a[q][q] - a[p][p]) / (2 * a[p][q])
            let t = (tau >= 0 ? 1.0 : -1.0) / (abs(tau) + hypot(1, tau))
            let c = 1 / hypot(1, t), s = t * c
            // A ← Jᵀ A J with J the identity except J[p,p] = J[q,q] = c, J[p,q] = s, J[q,p] = −s.
            for k in 0..<3 {
                let akp = a[k][p], akq = a[k][q]
                a[k][p] = c * akp - s * akq
                a[k][q] = s * akp + c * akq
            }
            for k in 0..<3 {
                let apk = a[p][k], aqk = a[q][k]
                a[p][k] = c * apk - s * aqk
                a[q][k] = s * apk + c * aqk
            }
            a[p][q] = 0
            a[q][p] = 0
            for k in 0..<3 {
                let vkp = v[k][p], vkq = v[k][q]
                v[k][p] = c * vkp - s * vkq
                v[k][q] = s * vkp + c * vkq
            }
        }
    }
    let eigenvalues: [Double] = [a[0][0], a[1][1], a[2][2]]
    // Increasing eigenvalues; equal ones keep their order (a stable sort).
    let order = [0, 1, 2].sorted { (i: Int, j: Int) -> Bool in
        eigenvalues[i] < eigenvalues[j] || (eigenvalues[i] == eigenvalues[j] && i < j)
    }
    var vectors = [Double](repeating: 0, count: 9)
    for (column, source) in order.enumerated() {
        let entries: [Double] = [v[0][source], v[1][source], v[2][source]]
        // Sign convention: the largest-magnitude entry (the first of equal ones) positive,
        // so that the result is unique for distinct eigenvalues.
        var pivot = 0
        for row in 1..<3 where abs(entries[row]) > abs(entries[pivot]) { pivot = row }
        let sign: Double = entries[pivot] < 0 ? -1 : 1
        for row in 0..<3 { vectors[3 * row + column] = sign * entries[row] }
    }
    return SymmetricEigendecomposition(values: order.map { eigenvalues[$0] },
                                       vectors: Tensor(shape: [3, 3], scalars: vectors))
}

/// The symmetric positive semi-definite square root S = V·diag(√λ)·Vᵀ of a symmetric
/// positive semi-definite 3×3 matrix C, so that S·S = C and S = Sᵀ (exactly: the upper
/// triangle is computed and mirrored).
///
/// Eigenvalues a rounding error below zero (≥ −1e-12·max|λ|) count as 0; throws for a
/// matrix with a clearly negative eigenvalue, and for the errors of
/// `symmetricEigendecomposition3x3`.
public func symmetricSquareRoot3x3(_ matrix: Tensor) throws -> Tensor {
    let e = try symmetricEigendecomposition3x3(matrix)
    let largest = e.values.map(abs).max() ?? 0
    guard e.values[0] >= -1e-12 * largest else {
        throw RefvisError("symmetric square root: the matrix is not positive semi-definite (eigenvalue \(formatDouble(e.values[0])))")
    }
    let roots = e.values.map { max($0, 0).squareRoot() }
    let p = e.vectors.scalars
    var s = [Double](repeating: 0, count: 9)
    // Upper triangle, mirrored: S is exactly symmetric, not only up to rounding.
    for i in 0..<3 {
        for j in i..<3 {
            var sum = 0.0
            for k in 0..<3 { sum += p[3 * i + k] * roots[k] * p[3 * j + k] }
            s[3 * i + j] = sum
            s[3 * j + i] = sum
        }
    }
    return Tensor(shape: [3, 3], scalars: s)
}
