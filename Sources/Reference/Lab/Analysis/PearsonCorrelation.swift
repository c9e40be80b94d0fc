import ReferenceCore
import ReferenceIO
import ReferenceVis
/// Pearson's correlation coefficient of two tensors, taken as flat lists of
/// numbers (element i of one paired with element i of the other):
///
///     r = Σᵢ (aᵢ − ā)(bᵢ − b̄) / √( Σᵢ (aᵢ − ā)² · Σᵢ (bᵢ − b̄)² )
///
/// with ā and b̄ the means. r lies in [−1, 1], is 1 exactly when b = s·a + t
/// with s > 0, and does not change when either tensor is scaled by a positive
/// number or shifted: a rendered image that is the filter times a gain plus a
/// grey level has r = 1 with the filter. Matches `numpy.corrcoef(a.ravel(),
/// b.ravel())[0, 1]`.
///
/// Throws when the shapes differ, when there are fewer than two elements, or
/// when either tensor is constant (r is 0/0 there, undefined).
public func pearsonCorrelation(_ a: Tensor, _ b: Tensor) throws -> Double {
    guard a.shape == b.shape else {
        throw RefvisError.shapeMismatch("pearson_correlation: second tensor", expected: a.shape, got: b.shape)
    }
    guard a.count >= 2 else {
        throw RefvisError("pearson_correlation: needs at least 2 elements, got \(a.count)")
    }
    let n = Double(a.count)
    let meanA = a.scalars.reduce(0, +) / n
    let meanB = b.scalars.reduce(0, +) / n
    var cross = 0.0, squaresA = 0.0, squaresB = 0.0
    for i in 0..<a.count {
        let da = a.scalars[i] - meanA, db = b.scalars[i] - meanB
        cross += da * db
        squaresA += da * da
        squaresB += db * db
    }
    guard squaresA > 0, squaresB > 0 else {
        throw RefvisError("pearson_correlation: the \(squaresA > 0 ? "second" : "first") tensor is constant, so the correlation is undefined")
    }
    return cross / (squaresA * squaresB).squareRoot()
}
